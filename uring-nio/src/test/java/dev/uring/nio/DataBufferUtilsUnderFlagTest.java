package dev.uring.nio;

import static java.nio.file.StandardOpenOption.CREATE;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousFileChannel;
import java.nio.channels.CompletionHandler;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import reactor.core.publisher.Flux;

/**
 * Spring's {@code DataBufferUtils.read} and {@code write} of a 256 MiB file, unchanged, in a JVM
 * started with the flag: they open their {@code AsynchronousFileChannel}s through the JDK, get ours,
 * and the copy is byte-identical. Then the same file copied through the channel with 32 reads and
 * writes in flight at once, at scattered positions.
 */
@Timeout(600)
class DataBufferUtilsUnderFlagTest {
    private static final int MIB = 1 << 20;
    private static final int SIZE_MIB = 256;

    @TempDir
    static Path tmp;
    static Path source;

    @BeforeAll
    static void writeSource() throws Exception {
        source = tmp.resolve("source.bin");
        byte[] block = new byte[MIB];
        try (OutputStream out = Files.newOutputStream(source)) {
            for (int i = 0; i < SIZE_MIB; i++) {
                new SplittableRandom(i).nextBytes(block);
                out.write(block);
            }
        }
        assertThat(Files.size(source)).isEqualTo((long) SIZE_MIB * MIB);
    }

    @Test
    void dataBufferUtilsCopiesTheFileByteForByteThroughOurChannel() throws Exception {
        Path target = tmp.resolve("spring-copy.bin");
        Set<String> handlerThreads = ConcurrentHashMap.newKeySet();
        Flux<DataBuffer> read = DataBufferUtils.read(source, DefaultDataBufferFactory.sharedInstance, 64 * 1024, READ)
                .doOnNext(b -> handlerThreads.add(Thread.currentThread().getName()));
        DataBufferUtils.write(read, target, CREATE, WRITE).block(Duration.ofMinutes(5));
        assertThat(Files.size(target)).isEqualTo(Files.size(source));
        assertThat(Files.mismatch(source, target)).isEqualTo(-1L);
        // the reads completed on our handler pool, so the channel was ours
        assertThat(handlerThreads).isNotEmpty().allMatch(t -> t.startsWith("uring-nio-handler-"));
        Files.delete(target);
    }

    @Test
    void aCopyWith32OpsInFlightIsByteIdentical() throws Exception {
        Path target = tmp.resolve("parallel-copy.bin");
        long size = Files.size(source);
        int chunk = 256 * 1024;
        int chunks = (int) (size / chunk);
        try (AsynchronousFileChannel in = AsynchronousFileChannel.open(source, READ);
                AsynchronousFileChannel out = AsynchronousFileChannel.open(target, CREATE, WRITE)) {
            assertThat(in).isInstanceOf(UringAsynchronousFileChannel.class);
            Semaphore depth = new Semaphore(32);
            CountDownLatch done = new CountDownLatch(chunks);
            AtomicReference<Throwable> failure = new AtomicReference<>();
            AtomicLong copied = new AtomicLong();
            // chunks in a scattered order (an odd multiplier permutes a power-of-two count): each one
            // read, then written at its own position
            for (int k = 0; k < chunks; k++) {
                int c = (int) ((k * 2654435761L) % chunks);
                depth.acquire();
                long pos = (long) c * chunk;
                ByteBuffer buf = (c & 1) == 0 ? ByteBuffer.allocate(chunk) : ByteBuffer.allocateDirect(chunk);
                in.read(buf, pos, null, new CompletionHandler<Integer, Object>() {
                    @Override
                    public void completed(Integer n, Object a) {
                        if (buf.hasRemaining()) {
                            in.read(buf, pos + buf.position(), null, this);
                            return;
                        }
                        buf.flip();
                        out.write(buf, pos, null, new CompletionHandler<Integer, Object>() {
                            @Override
                            public void completed(Integer w, Object a2) {
                                copied.addAndGet(w);
                                if (buf.hasRemaining()) {
                                    out.write(buf, pos + buf.position(), null, this);
                                    return;
                                }
                                depth.release();
                                done.countDown();
                            }

                            @Override
                            public void failed(Throwable e, Object a2) {
                                failure.set(e);
                                depth.release();
                                done.countDown();
                            }
                        });
                    }

                    @Override
                    public void failed(Throwable e, Object a) {
                        failure.set(e);
                        depth.release();
                        done.countDown();
                    }
                });
            }
            assertThat(done.await(5, TimeUnit.MINUTES)).isTrue();
            assertThat(failure.get()).isNull();
            assertThat(copied.get()).isEqualTo(size);
        }
        assertThat(Files.mismatch(source, target)).isEqualTo(-1L);
        Files.delete(target);
    }
}
