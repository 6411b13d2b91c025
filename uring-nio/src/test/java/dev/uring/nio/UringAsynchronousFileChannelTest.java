package dev.uring.nio;

import static java.nio.file.StandardOpenOption.CREATE;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.TRUNCATE_EXISTING;
import static java.nio.file.StandardOpenOption.WRITE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousFileChannel;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.NonWritableChannelException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Every method of the channel on the real kernel, with Futures and with CompletionHandlers. */
@Timeout(60)
class UringAsynchronousFileChannelTest {
    @TempDir
    Path dir;

    private static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** Heap, direct, and memory-segment buffers (the kinds the JDK's own test mixes). */
    private static ByteBuffer buffer(byte[] content, int kind, Arena arena) {
        return switch (kind) {
            case 0 -> ByteBuffer.wrap(content.clone());
            case 1 -> ByteBuffer.allocateDirect(content.length).put(content).flip();
            default -> arena.allocate(content.length).asByteBuffer().put(content).flip();
        };
    }

    private static ByteBuffer empty(int n, int kind, Arena arena) {
        return switch (kind) {
            case 0 -> ByteBuffer.allocate(n);
            case 1 -> ByteBuffer.allocateDirect(n);
            default -> arena.allocate(n).asByteBuffer();
        };
    }

    private static byte[] bytes(ByteBuffer b) {
        ByteBuffer d = b.duplicate().flip();
        byte[] out = new byte[d.remaining()];
        d.get(out);
        return out;
    }

    @Test
    void openReturnsTheIoUringChannel() throws IOException {
        try (AsynchronousFileChannel ch = UringAsynchronousFileChannel.open(dir.resolve("f"), CREATE, WRITE)) {
            assertThat(ch).isInstanceOf(UringAsynchronousFileChannel.class);
            assertThat(ch.isOpen()).isTrue();
        }
    }

    @Test
    void futureWritesThenReadsTheSameBytesWithEveryBufferKind() throws Exception {
        for (int kind = 0; kind < 3; kind++) {
            byte[] content = random(100_000 + kind, kind);
            Path f = dir.resolve("future" + kind);
            try (Arena arena = Arena.ofShared();
                    AsynchronousFileChannel ch = UringAsynchronousFileChannel.open(f, CREATE, READ, WRITE)) {
                ByteBuffer src = buffer(content, kind, arena);
                long pos = 0;
                while (src.hasRemaining()) {
                    pos += ch.write(src, pos).get();
                }
                assertThat(pos).isEqualTo(content.length);
                ByteBuffer dst = empty(content.length + 10, kind, arena);
                long at = 0;
                int n;
                while ((n = ch.read(dst, at).get()) > 0) {
                    at += n;
                }
                assertThat(n).as("a read at the end of the file").isEqualTo(-1);
                assertThat(bytes(dst)).isEqualTo(content);
                assertThat(Files.readAllBytes(f)).isEqualTo(content);
            }
        }
    }

    @Test
    void completionHandlersWriteAndReadAtPositionsWithTheirAttachment() throws Exception {
        byte[] content = random(64 * 1024, 7);
        Path f = dir.resolve("handler");
        try (AsynchronousFileChannel ch = UringAsynchronousFileChannel.open(f, CREATE, READ, WRITE)) {
            CompletableFuture<Handlers.Call<Integer>> wrote = new CompletableFuture<>();
            ch.write(ByteBuffer.wrap(content), 4096, "w", Handlers.recording(wrote));
            Handlers.Call<Integer> w = wrote.get(10, TimeUnit.SECONDS);
            assertThat(w.error()).isNull();
            assertThat(w.value()).isEqualTo(content.length);
            assertThat(w.attachment()).isEqualTo("w");

            CompletableFuture<Handlers.Call<Integer>> read = new CompletableFuture<>();
            ByteBuffer dst = ByteBuffer.allocateDirect(1000);
            ch.read(dst, 4096 + 500, "r", Handlers.recording(read));
            Handlers.Call<Integer> r = read.get(10, TimeUnit.SECONDS);
            assertThat(r.value()).isEqualTo(1000);
            assertThat(r.attachment()).isEqualTo("r");
            assertThat(bytes(dst)).isEqualTo(Arrays.copyOfRange(content, 500, 1500));
            // the hole before 4096 reads as zeros
            ByteBuffer hole = ByteBuffer.allocate(4096);
            assertThat(ch.read(hole, 0).get()).isEqualTo(4096);
            assertThat(hole.array()).containsOnly(0);
        }
    }

    @Test
    void handlersRunOnTheDefaultPoolNeverOnALoopThread() throws Exception {
        Path f = dir.resolve("thread");
        Files.write(f, random(10, 1));
        try (AsynchronousFileChannel ch = UringAsynchronousFileChannel.open(f, READ)) {
            for (int i = 0; i < 20; i++) {
                CompletableFuture<Handlers.Call<Integer>> call = new CompletableFuture<>();
                ch.read(ByteBuffer.allocate(10), 0, null, Handlers.recording(call));
                Thread t = call.get(10, TimeUnit.SECONDS).thread();
                assertThat(t.getName()).startsWith("uring-nio-handler-");
                assertThat(Loops.current().inLoopThread(t)).isFalse();
            }
        }
    }

    @Test
    void handlersRunOnTheExecutorGivenToOpen() throws Exception {
        Path f = dir.resolve("custom");
        Files.write(f, random(10, 1));
        AtomicReference<Thread> made = new AtomicReference<>();
        ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "user-pool");
            made.set(t);
            return t;
        });
        try (AsynchronousFileChannel ch = UringAsynchronousFileChannel.open(f, Set.of(READ), executor)) {
            CompletableFuture<Handlers.Call<Integer>> call = new CompletableFuture<>();
            ch.read(ByteBuffer.allocate(10), 0, null, Handlers.recording(call));
            assertThat(call.get(10, TimeUnit.SECONDS).thread()).isSameAs(made.get());
        } finally {
            assertThat(executor.isShutdown()).as("closing the channel leaves the user's executor alone").isFalse();
            executor.shutdown();
        }
    }

    @Test
    void anInterruptedHandlerThreadCanStillAskForTheSize() throws Exception {
        Path f = dir.resolve("interrupt");
        Files.write(f, random(100, 1));
        try (AsynchronousFileChannel ch = UringAsynchronousFileChannel.open(f, READ)) {
            CompletableFuture<Long> size = new CompletableFuture<>();
            ch.read(ByteBuffer.allocate(10), 0, null, new java.nio.channels.CompletionHandler<Integer, Object>() {
                @Override
                public void completed(Integer result, Object attachment) {
                    Thread.currentThread().interrupt();
                    try {
                        size.complete(ch.size());
                    } catch (IOException e) {
                        size.completeExceptionally(e);
                    }
                    Thread.interrupted();
                }

                @Override
                public void failed(Throwable exc, Object attachment) {
                    size.completeExceptionally(exc);
                }
            });
            assertThat(size.get(10, TimeUnit.SECONDS)).isEqualTo(100);
            assertThat(ch.isOpen()).isTrue();
        }
    }

    @Test
    void sizeFollowsWritesAndTruncate() throws Exception {
        Path f = dir.resolve("size");
        try (AsynchronousFileChannel ch = UringAsynchronousFileChannel.open(f, CREATE, READ, WRITE)) {
            assertThat(ch.size()).isZero();
            ch.write(ByteBuffer.wrap(random(12_345, 3)), 0).get();
            assertThat(ch.size()).isEqualTo(12_345);
            assertThat(ch.truncate(20_000)).as("truncate returns the channel").isSameAs(ch);
            assertThat(ch.size()).as("a larger size leaves the file as it is").isEqualTo(12_345);
            ch.truncate(12_344);
            assertThat(ch.size()).isEqualTo(12_344);
            ch.truncate(0);
            assertThat(ch.size()).isZero();
            assertThat(Files.size(f)).isZero();
            assertThatThrownBy(() -> ch.truncate(-1)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void truncateNeedsWriteAndAnOpenChannel() throws Exception {
        Path f = dir.resolve("ro");
        Files.write(f, random(100, 1));
        AsynchronousFileChannel ch = UringAsynchronousFileChannel.open(f, READ);
        assertThatThrownBy(() -> ch.truncate(0)).isInstanceOf(NonWritableChannelException.class);
        ch.close();
        AsynchronousFileChannel w = UringAsynchronousFileChannel.open(f, WRITE);
        w.close();
        assertThatThrownBy(() -> w.truncate(0)).isInstanceOf(ClosedChannelException.class);
        assertThatThrownBy(w::size).isInstanceOf(ClosedChannelException.class);
        assertThatThrownBy(() -> w.force(true)).isInstanceOf(ClosedChannelException.class);
        assertThat(Files.size(f)).isEqualTo(100);
    }

    @Test
    void forceWithAndWithoutMetadata() throws Exception {
        Path f = dir.resolve("force");
        try (AsynchronousFileChannel ch = UringAsynchronousFileChannel.open(f, CREATE, WRITE, TRUNCATE_EXISTING)) {
            ch.write(ByteBuffer.wrap(random(4096, 5)), 0).get();
            ch.force(true);
            ch.force(false);
        }
        try (AsynchronousFileChannel ro = UringAsynchronousFileChannel.open(f, READ)) {
            ro.force(true); // as the JDK: an fsync of a read-only fd is allowed
        }
        assertThat(Files.size(f)).isEqualTo(4096);
    }

    @Test
    void anEmptyBufferCompletesWithZeroAtOnce() throws Exception {
        Path f = dir.resolve("empty");
        Files.write(f, random(100, 1));
        try (AsynchronousFileChannel ch = UringAsynchronousFileChannel.open(f, READ, WRITE)) {
            assertThat(ch.read(ByteBuffer.allocate(0), 0).get()).isZero();
            assertThat(ch.write(ByteBuffer.allocate(0), 0).get()).isZero();
            CompletableFuture<Handlers.Call<Integer>> call = new CompletableFuture<>();
            ch.read(ByteBuffer.allocate(0), 0, "a", Handlers.recording(call));
            assertThat(call.get(10, TimeUnit.SECONDS).value()).isZero();
        }
    }

    @Test
    void readsPastTheEndGiveMinusOne() throws Exception {
        Path f = dir.resolve("eof");
        Files.write(f, random(100, 1));
        try (AsynchronousFileChannel ch = UringAsynchronousFileChannel.open(f, READ)) {
            assertThat(ch.read(ByteBuffer.allocate(10), 100).get()).isEqualTo(-1);
            assertThat(ch.read(ByteBuffer.allocate(10), 1L << 40).get()).isEqualTo(-1);
            ByteBuffer tail = ByteBuffer.allocate(10);
            assertThat(ch.read(tail, 95).get()).isEqualTo(5);
            assertThat(tail.position()).isEqualTo(5);
        }
    }

    @Test
    void largeHeapBuffersGoThroughTemporaryBounceBuffers() throws Exception {
        byte[] content = random(3 << 20, 11);
        Path f = dir.resolve("large");
        try (AsynchronousFileChannel ch = UringAsynchronousFileChannel.open(f, CREATE, READ, WRITE)) {
            ByteBuffer src = ByteBuffer.wrap(content);
            long pos = 0;
            while (src.hasRemaining()) {
                pos += ch.write(src, pos).get();
            }
            ByteBuffer dst = ByteBuffer.allocate(content.length);
            long at = 0;
            while (dst.hasRemaining()) {
                at += ch.read(dst, at).get();
            }
            assertThat(dst.array()).isEqualTo(content);
        }
    }

    @Test
    void closeIsIdempotentAndClosesTheFd() throws Exception {
        Path f = dir.resolve("close");
        Files.write(f, random(100, 1));
        long before = Fds.open();
        AsynchronousFileChannel ch = UringAsynchronousFileChannel.open(f, READ);
        assertThat(Fds.anyOpenOn(f)).isTrue();
        ch.read(ByteBuffer.allocate(10), 0).get();
        ch.close();
        ch.close();
        assertThat(ch.isOpen()).isFalse();
        assertThat(Fds.anyOpenOn(f)).isFalse();
        assertThat(Fds.open()).isEqualTo(before);
    }

    @Test
    void opsOnAClosedChannelFailWithClosedChannelException() throws Exception {
        Path f = dir.resolve("closed");
        Files.write(f, random(100, 1));
        AsynchronousFileChannel ch = UringAsynchronousFileChannel.open(f, READ, WRITE);
        ch.close();
        assertThatThrownBy(() -> ch.read(ByteBuffer.allocate(10), 0).get())
                .hasCauseInstanceOf(ClosedChannelException.class);
        assertThatThrownBy(() -> ch.write(ByteBuffer.allocate(10), 0).get())
                .hasCauseInstanceOf(ClosedChannelException.class);
        assertThatThrownBy(() -> ch.read(ByteBuffer.allocate(0), 0).get())
                .as("closed is checked before an empty buffer").hasCauseInstanceOf(ClosedChannelException.class);
        assertThatThrownBy(() -> ch.lock().get()).hasCauseInstanceOf(ClosedChannelException.class);
        assertThatThrownBy(ch::tryLock).isInstanceOf(ClosedChannelException.class);
        CompletableFuture<Handlers.Call<Integer>> call = new CompletableFuture<>();
        ch.read(ByteBuffer.allocate(10), 0, null, Handlers.recording(call));
        Handlers.Call<Integer> c = call.get(10, TimeUnit.SECONDS);
        assertThat(c.error()).isInstanceOf(ClosedChannelException.class);
        assertThat(c.thread().getName()).as("a failure is dispatched too, not run on the caller").startsWith("uring-nio-handler-");
    }

    @Test
    void manyChannelsShareOneExecutorAndSomeCloseEarly() throws Exception {
        Path f = dir.resolve("shared");
        Files.write(f, random(100, 1));
        ExecutorService executor = Executors.newFixedThreadPool(3);
        try {
            AsynchronousFileChannel[] channels = new AsynchronousFileChannel[40];
            for (int i = 0; i < channels.length; i++) {
                channels[i] = UringAsynchronousFileChannel.open(f, Set.of(WRITE), executor);
                CountDownLatch done = new CountDownLatch(1);
                channels[i].write(ByteBuffer.wrap(random(1000, i)), 0, null,
                        new java.nio.channels.CompletionHandler<Integer, Object>() {
                            @Override
                            public void completed(Integer result, Object attachment) {
                                done.countDown();
                            }

                            @Override
                            public void failed(Throwable exc, Object attachment) {
                            }
                        });
                assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
                if (i % 2 == 0) {
                    channels[i].close();
                }
            }
            for (AsynchronousFileChannel c : channels) {
                c.close();
            }
        } finally {
            executor.shutdown();
        }
    }
}
