package dev.uring.nio;

import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;
import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.Arena;
import java.lang.ref.WeakReference;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousFileChannel;
import java.nio.channels.CompletionHandler;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every kind of buffer (heap, wrapped array, direct, memory segments of each arena kind) and a
 * slice of each that starts one byte in, read into and written from at every buffer position and
 * every file position, one byte at a time: the byte lands where the buffer's position says, and the
 * position moves by one. Also: a handler is not kept alive once its op has completed.
 */
@Timeout(120)
class BufferPositionsTest {
    private static final int SIZE = 16;

    @TempDir
    Path dir;

    private static List<ByteBuffer> buffers(Arena shared) {
        List<ByteBuffer> whole = List.of(ByteBuffer.allocate(SIZE), ByteBuffer.allocateDirect(SIZE),
                ByteBuffer.wrap(new byte[SIZE + 3], 2, SIZE).slice(), Arena.global().allocate(SIZE).asByteBuffer(),
                Arena.ofAuto().allocate(SIZE).asByteBuffer(), shared.allocate(SIZE).asByteBuffer());
        return Stream.concat(whole.stream(), whole.stream().map(b -> b.slice(1, b.capacity() - 1))).toList();
    }

    private static int read(AsynchronousFileChannel ch, ByteBuffer b, long pos, boolean handler) throws Exception {
        if (!handler) {
            return ch.read(b, pos).get(10, TimeUnit.SECONDS);
        }
        CompletableFuture<Handlers.Call<Integer>> c = new CompletableFuture<>();
        ch.read(b, pos, null, Handlers.recording(c));
        Handlers.Call<Integer> call = c.get(10, TimeUnit.SECONDS);
        assertThat(call.error()).isNull();
        return call.value();
    }

    private static int write(AsynchronousFileChannel ch, ByteBuffer b, long pos, boolean handler) throws Exception {
        if (!handler) {
            return ch.write(b, pos).get(10, TimeUnit.SECONDS);
        }
        CompletableFuture<Handlers.Call<Integer>> c = new CompletableFuture<>();
        ch.write(b, pos, null, Handlers.recording(c));
        Handlers.Call<Integer> call = c.get(10, TimeUnit.SECONDS);
        assertThat(call.error()).isNull();
        return call.value();
    }

    @Test
    void oneByteReadsLandAtTheBufferPosition() throws Exception {
        Path f = dir.resolve("r");
        byte[] content = new byte[SIZE];
        for (int i = 0; i < SIZE; i++) {
            content[i] = (byte) (100 + i);
        }
        Files.write(f, content);
        try (Arena shared = Arena.ofShared(); AsynchronousFileChannel ch = UringAsynchronousFileChannel.open(f, READ)) {
            int k = 0;
            for (ByteBuffer b : buffers(shared)) {
                for (int filePos = 0; filePos < SIZE; filePos += 3) {
                    for (int at = 0; at < b.capacity(); at++) {
                        b.clear().position(at).limit(at + 1);
                        assertThat(read(ch, b, filePos, (k++ & 1) == 0)).isEqualTo(1);
                        assertThat(b.position()).isEqualTo(at + 1);
                        assertThat(b.get(at)).as("%s at %d from %d", b, at, filePos).isEqualTo(content[filePos]);
                    }
                }
            }
        }
    }

    @Test
    void oneByteWritesComeFromTheBufferPosition() throws Exception {
        Path f = dir.resolve("w");
        Files.write(f, new byte[SIZE]);
        try (Arena shared = Arena.ofShared();
                AsynchronousFileChannel ch = UringAsynchronousFileChannel.open(f, READ, WRITE)) {
            int k = 0;
            for (ByteBuffer b : buffers(shared)) {
                for (int filePos = 0; filePos < SIZE; filePos += 3) {
                    for (int at = 0; at < b.capacity(); at++) {
                        byte v = (byte) (k * 7 + 1);
                        b.clear().put(at, v).position(at).limit(at + 1);
                        assertThat(write(ch, b, filePos, (k++ & 1) == 0)).isEqualTo(1);
                        assertThat(b.position()).isEqualTo(at + 1);
                        ByteBuffer back = ByteBuffer.allocate(1);
                        assertThat(ch.read(back, filePos).get()).isEqualTo(1);
                        assertThat(back.get(0)).as("%s at %d to %d", b, at, filePos).isEqualTo(v);
                    }
                }
            }
        }
    }

    @Test
    void aCompletedOpsHandlerCanBeCollected() throws Exception {
        Path f = dir.resolve("gc");
        Files.write(f, new byte[10]);
        try (AsynchronousFileChannel ch = UringAsynchronousFileChannel.open(f, READ)) {
            List<WeakReference<Object>> refs = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                CompletableFuture<Integer> done = new CompletableFuture<>();
                CompletionHandler<Integer, Object> h = new CompletionHandler<>() {
                    @Override
                    public void completed(Integer n, Object a) {
                        done.complete(n);
                    }

                    @Override
                    public void failed(Throwable e, Object a) {
                        done.completeExceptionally(e);
                    }
                };
                Object attachment = new Object();
                refs.add(new WeakReference<>(h));
                refs.add(new WeakReference<>(attachment));
                ch.read(ByteBuffer.allocate(10), 0, attachment, h);
                assertThat(done.get(10, TimeUnit.SECONDS)).isEqualTo(10);
            }
            for (int i = 0; i < 50 && refs.stream().anyMatch(r -> r.get() != null); i++) {
                System.gc();
                Thread.sleep(20);
            }
            assertThat(refs).allMatch(r -> r.get() == null);
        }
    }
}
