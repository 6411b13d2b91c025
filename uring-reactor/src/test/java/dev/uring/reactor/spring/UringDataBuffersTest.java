package dev.uring.reactor.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uring.reactor.TestRuntimes;
import dev.uring.reactor.Uring;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.core.io.buffer.NettyDataBuffer;
import org.springframework.core.io.buffer.NettyDataBufferFactory;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

/** DataBuffer reads and writes on real files through a real ring, with Netty's pooled direct buffers. */
@Timeout(60)
class UringDataBuffersTest {
    @AutoClose
    static final Uring uring = TestRuntimes.create(1);

    @TempDir
    Path dir;

    /** A Netty pooled factory that remembers every buffer it handed out, to check each went back. */
    static final class Tracking extends NettyDataBufferFactory {
        final List<ByteBuf> handedOut = new CopyOnWriteArrayList<>();

        Tracking() {
            super(PooledByteBufAllocator.DEFAULT);
        }

        @Override
        public NettyDataBuffer allocateBuffer(int initialCapacity) {
            NettyDataBuffer b = super.allocateBuffer(initialCapacity);
            handedOut.add(b.getNativeBuffer());
            return b;
        }

        void assertAllReleased() {
            assertThat(handedOut).isNotEmpty().allSatisfy(b -> assertThat(b.refCnt()).isZero());
        }
    }

    private Path file(int size) throws Exception {
        byte[] data = new byte[size];
        new Random(size).nextBytes(data);
        return Files.write(dir.resolve("f" + size), data);
    }

    @Test
    void readsAWholeFileIntoPooledDirectBuffersThatTheSubscriberReleases() throws Exception {
        Path f = file(300_000);
        Tracking factory = new Tracking();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        StepVerifier.create(UringDataBuffers.read(uring, f, factory, 64 * 1024, 3))
                .thenConsumeWhile(b -> {
                    assertThat(b.readableByteCount()).isLessThanOrEqualTo(64 * 1024);
                    byte[] bytes = new byte[b.readableByteCount()];
                    b.read(bytes);
                    out.writeBytes(bytes);
                    DataBufferUtils.release(b);
                    return true;
                })
                .verifyComplete();
        assertThat(out.toByteArray()).isEqualTo(Files.readAllBytes(f));
        assertThat(factory.handedOut).hasSize(5).allSatisfy(b -> assertThat(b.isDirect()).isTrue());
        factory.assertAllReleased();
    }

    @Test
    void readAheadIsBoundedByDemand() throws Exception {
        Path f = file(1 << 20);
        Tracking factory = new Tracking();
        StepVerifier.create(UringDataBuffers.read(uring, f, factory, 4096, 2), 1)
                .assertNext(DataBufferUtils::release)
                .expectNoEvent(Duration.ofMillis(200))
                .then(() -> assertThat(factory.handedOut).hasSizeLessThanOrEqualTo(1 + 2))
                .thenCancel()
                .verify();
    }

    @Test
    void cancellingMidFileHandsEveryBufferBack() throws Exception {
        Path f = file(1 << 20);
        Tracking factory = new Tracking();
        StepVerifier.create(UringDataBuffers.read(uring, f, factory, 8192, 4).take(3))
                .thenConsumeWhile(b -> {
                    DataBufferUtils.release(b);
                    return true;
                })
                .verifyComplete();
        // buffers read ahead are released once their reads complete on the loop
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (factory.handedOut.stream().anyMatch(b -> b.refCnt() > 0) && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        factory.assertAllReleased();
    }

    @Test
    void rangesOfAnOpenFileAndAnEmptyFile() throws Exception {
        Path f = file(10_000);
        byte[] all = Files.readAllBytes(f);
        var file = dev.uring.reactor.file.ReactiveFile.open(uring, f).block();
        try {
            byte[] got = DataBufferUtils.join(UringDataBuffers.read(file, 1000, 5000,
                    DefaultDataBufferFactory.sharedInstance, 1024, 2)).map(b -> {
                        byte[] bytes = new byte[b.readableByteCount()];
                        b.read(bytes);
                        return bytes;
                    }).block();
            assertThat(got).isEqualTo(java.util.Arrays.copyOfRange(all, 1000, 6000));
            StepVerifier.create(UringDataBuffers.read(file, 9000, 2000, DefaultDataBufferFactory.sharedInstance, 1024, 2))
                    .thenConsumeWhile(b -> true)
                    .expectError(java.io.EOFException.class)
                    .verify();
        } finally {
            file.close().block();
        }
        StepVerifier.create(UringDataBuffers.read(uring, file(0), new Tracking())).verifyComplete();
        StepVerifier.create(UringDataBuffers.read(uring, dir.resolve("missing"), new Tracking()))
                .expectError(NoSuchFileException.class).verify();
    }

    @Test
    void writesABodyAndReleasesEveryBuffer() throws Exception {
        Tracking factory = new Tracking();
        byte[] data = new byte[200_000];
        new Random(3).nextBytes(data);
        Flux<DataBuffer> body = Flux.range(0, 20).map(i -> {
            DataBuffer b = factory.allocateBuffer(10_000);
            b.write(data, i * 10_000, 10_000);
            return b;
        });
        Path target = dir.resolve("out.bin");
        StepVerifier.create(UringDataBuffers.write(uring, body, target)).expectNext(200_000L).verifyComplete();
        assertThat(Files.readAllBytes(target)).isEqualTo(data);
        factory.assertAllReleased();
    }
}
