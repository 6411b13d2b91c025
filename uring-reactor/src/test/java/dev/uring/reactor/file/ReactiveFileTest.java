package dev.uring.reactor.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.uring.reactor.TestRuntimes;
import dev.uring.reactor.Uring;
import dev.uring.reactor.op.Held;
import dev.uring.reactor.op.KernelHeld;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.TimeoutException;
import java.util.zip.CRC32;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

@Timeout(120)
class ReactiveFileTest {
    @AutoClose
    static final Uring uring = TestRuntimes.create(2);
    @TempDir
    Path dir;

    private ReactiveFile open(Path p, StandardOpenOption... o) {
        return ReactiveFile.open(uring, p, o).block(Duration.ofSeconds(10));
    }

    private static long crc(byte[] b) {
        CRC32 c = new CRC32();
        c.update(b);
        return c.getValue();
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 4095, 4097, 1 << 20})
    void roundTripKeepsEveryByte(int size) throws Exception {
        byte[] data = new byte[size];
        new Random(size).nextBytes(data);
        Path p = dir.resolve("rt-" + size);
        ReactiveFile f = open(p, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.READ);
        // half from a heap buffer, half from a direct one
        int half = size / 2;
        ByteBuffer direct = ByteBuffer.allocateDirect(size - half).put(data, half, size - half).flip();
        StepVerifier.create(f.write(Flux.just(ByteBuffer.wrap(data, 0, half), direct), 0))
                .expectNext((long) size).verifyComplete();
        StepVerifier.create(f.size()).expectNext((long) size).verifyComplete();
        byte[] back = f.readAll(4096, 3).collectList().map(ReactiveFileTest::concat).block(Duration.ofSeconds(30));
        assertThat(crc(back)).isEqualTo(crc(data));
        assertThat(back).hasSize(size);
        assertThat(Files.readAllBytes(p)).isEqualTo(data);
        StepVerifier.create(f.close()).verifyComplete();
    }

    static byte[] concat(java.util.List<ByteBuffer> parts) {
        int n = parts.stream().mapToInt(ByteBuffer::remaining).sum();
        ByteBuffer all = ByteBuffer.allocate(n);
        parts.forEach(all::put);
        return all.array();
    }

    @Test
    void sparseGigabyteReadsBackAsZeroesAndWrittenRegions() throws Exception {
        Path p = dir.resolve("sparse");
        long size = 1L << 30;
        ReactiveFile f = open(p, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.READ);
        StepVerifier.create(f.truncate(size)).verifyComplete();
        byte[] mark = "reactive-uring".getBytes();
        long[] at = {0, 123_456_789, size - mark.length};
        for (long a : at) {
            StepVerifier.create(f.write(ByteBuffer.wrap(mark), a)).expectNext(mark.length).verifyComplete();
        }
        CRC32 expected = new CRC32();
        byte[] chunk = new byte[1 << 20];
        for (long pos = 0; pos < size; pos += chunk.length) {
            java.util.Arrays.fill(chunk, (byte) 0);
            for (long a : at) {
                for (int i = 0; i < mark.length; i++) {
                    long q = a + i - pos;
                    if (q >= 0 && q < chunk.length) {
                        chunk[(int) q] = mark[i];
                    }
                }
            }
            expected.update(chunk);
        }
        CRC32 actual = new CRC32();
        long total = f.readAll(1 << 20, 4).doOnNext(actual::update).map(b -> (long) b.capacity())
                .reduce(0L, Long::sum).block(Duration.ofSeconds(100));
        assertThat(total).isEqualTo(size);
        assertThat(actual.getValue()).isEqualTo(expected.getValue());
        f.close().block(Duration.ofSeconds(10));
    }

    @Test
    void tenThousandConcurrentReadsAcrossTwoLoops() throws Exception {
        byte[] data = new byte[64 * 1024];
        new Random(7).nextBytes(data);
        Path p = dir.resolve("many");
        Files.write(p, data);
        ReactiveFile f = open(p);
        java.util.Set<String> threads = java.util.concurrent.ConcurrentHashMap.newKeySet();
        long ok = Flux.range(0, 10_000)
                .flatMap(i -> {
                    int pos = (i * 61) % (data.length - 16);
                    return f.read(pos, 16).doOnNext(b -> threads.add(Thread.currentThread().getName()))
                            .map(b -> b.get(0) == data[pos] && b.get(15) == data[pos + 15]);
                }, 10_000)
                .filter(x -> x).count().block(Duration.ofSeconds(60));
        assertThat(ok).isEqualTo(10_000);
        assertThat(threads).hasSize(2);
        f.close().block(Duration.ofSeconds(10));
    }

    @Test
    void readPastTheEndIsEmptyOrMinusOne() throws Exception {
        Path p = dir.resolve("short");
        Files.write(p, new byte[] {1, 2, 3});
        ReactiveFile f = open(p);
        StepVerifier.create(f.read(3, 10)).verifyComplete();
        StepVerifier.create(f.read(100, 10)).verifyComplete();
        StepVerifier.create(f.read(ByteBuffer.allocate(8), 3)).expectNext(-1).verifyComplete();
        ByteBuffer heap = ByteBuffer.allocate(8);
        StepVerifier.create(f.read(heap, 1)).expectNext(2).verifyComplete();
        assertThat(heap.position()).isEqualTo(2);
        assertThat(heap.get(0)).isEqualTo((byte) 2);
        ByteBuffer direct = ByteBuffer.allocateDirect(8);
        StepVerifier.create(f.read(direct, 0)).expectNext(3).verifyComplete();
        assertThat(direct.get(2)).isEqualTo((byte) 3);
        f.close().block(Duration.ofSeconds(10));
    }

    @Test
    void missingFileIsNoSuchFileException() {
        StepVerifier.create(ReactiveFile.open(uring, dir.resolve("nope")))
                .verifyErrorSatisfies(e -> assertThat(e).isInstanceOf(NoSuchFileException.class)
                        .hasMessageContaining("nope"));
    }

    @Test
    void directoryOpenedForWriteSaysEisdir() {
        StepVerifier.create(ReactiveFile.open(uring, dir, StandardOpenOption.WRITE))
                .verifyErrorSatisfies(e -> assertThat(e).isInstanceOf(FileSystemException.class)
                        .hasMessageContaining("EISDIR"));
    }

    @Test
    void closedFileFailsEveryOpWithClosedChannelException() throws Exception {
        Path p = dir.resolve("closed");
        Files.write(p, new byte[10]);
        ReactiveFile f = open(p);
        StepVerifier.create(f.close()).verifyComplete();
        StepVerifier.create(f.close()).verifyComplete();
        assertThat(f.isOpen()).isFalse();
        StepVerifier.create(f.read(0, 4)).verifyErrorSatisfies(e -> assertThat(e)
                .isInstanceOf(ClosedChannelException.class).hasMessageContaining("closed"));
        StepVerifier.create(f.size()).verifyError(ClosedChannelException.class);
        StepVerifier.create(f.read(ByteBuffer.allocate(0), 0)).verifyError(ClosedChannelException.class);
    }

    @Test
    void badArgumentsAreRefusedAtAssembly() throws Exception {
        Path p = dir.resolve("args");
        Files.write(p, new byte[10]);
        ReactiveFile f = open(p);
        assertThatThrownBy(() -> f.read(-1, 4)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("position");
        assertThatThrownBy(() -> f.read(0, 0)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("length");
        assertThatThrownBy(() -> f.read(null, 0)).isInstanceOf(NullPointerException.class).hasMessageContaining("dst");
        assertThatThrownBy(() -> f.read(ByteBuffer.allocate(1).asReadOnlyBuffer(), 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("read-only");
        assertThatThrownBy(() -> f.write((ByteBuffer) null, 0)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> f.write(ByteBuffer.allocate(1), -5)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> f.truncate(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> f.readAll(0, 1)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("chunkSize");
        assertThatThrownBy(() -> f.readAll(10, 0)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("depth");
        assertThatThrownBy(() -> f.withTimeout(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ReactiveFile.open(uring, null)).isInstanceOf(NullPointerException.class).hasMessageContaining("path");
        assertThatThrownBy(() -> ReactiveFile.open(uring, p, StandardOpenOption.READ, StandardOpenOption.APPEND))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ReactiveFile.open(uring, p, StandardOpenOption.DELETE_ON_CLOSE))
                .isInstanceOf(UnsupportedOperationException.class);
        f.close().block(Duration.ofSeconds(10));
    }

    private Path fifo() throws Exception {
        Path p = dir.resolve("fifo");
        Process mk = new ProcessBuilder("mkfifo", p.toString()).inheritIO().start();
        assertThat(mk.waitFor()).isZero();
        return p;
    }

    @Test
    void linkTimeoutFailsAStuckReadWithTimeoutException() throws Exception {
        // a FIFO opened read-write never has data: the read waits until the kernel's LINK_TIMEOUT
        ReactiveFile f = open(fifo(), StandardOpenOption.READ, StandardOpenOption.WRITE);
        int before = KernelHeld.count();
        StepVerifier.create(f.withTimeout(Duration.ofMillis(50)).read(0, 16))
                .verifyErrorSatisfies(e -> assertThat(e).isInstanceOf(TimeoutException.class)
                        .hasMessageContaining("READ").hasMessageContaining("fifo"));
        Held.awaitCount(before);
        f.close().block(Duration.ofSeconds(10));
    }

    @Test
    void cancelledReadReleasesItsBufferAfterTheFinalCqe() throws Exception {
        ReactiveFile f = open(fifo(), StandardOpenOption.READ, StandardOpenOption.WRITE);
        int before = KernelHeld.count();
        StepVerifier.create(f.read(ByteBuffer.allocateDirect(16), 0))
                .expectSubscription()
                .then(() -> {
                    try {
                        Held.awaitCount(before + 1);
                    } catch (InterruptedException e) {
                        throw new AssertionError(e);
                    }
                })
                .thenCancel()
                .verify(Duration.ofSeconds(5));
        Held.awaitCount(before);
        // the file stays usable, and close completes once no op holds it
        StepVerifier.create(f.close()).verifyComplete();
    }

    @Test
    void directReadFillsOnlyTheRemainingSpaceAndMovesThePosition() throws Exception {
        byte[] data = new byte[8192];
        new Random(11).nextBytes(data);
        Path p = dir.resolve("direct");
        Files.write(p, data);
        ReactiveFile f = open(p);
        for (int n : new int[] {1, 3, 512, 4096, 4097}) {
            ByteBuffer b = ByteBuffer.allocateDirect(n + 20).position(7).limit(7 + n);
            StepVerifier.create(f.read(b, 100)).expectNext(n).verifyComplete();
            assertThat(b.position()).isEqualTo(7 + n);
            assertThat(b.get(6)).isZero();
            assertThat(b.get(7)).isEqualTo(data[100]);
            assertThat(b.get(6 + n)).isEqualTo(data[99 + n]);
            assertThat(b.limit(n + 20).get(7 + n)).isZero();
        }
        // a short read at the end, then -1 past it
        ByteBuffer tail = ByteBuffer.allocateDirect(4096);
        StepVerifier.create(f.read(tail, 8192 - 10)).expectNext(10).verifyComplete();
        StepVerifier.create(f.read(tail.clear(), 8192)).expectNext(-1).verifyComplete();
        f.close().block(Duration.ofSeconds(10));
        StepVerifier.create(f.read(ByteBuffer.allocateDirect(4), 0)).verifyErrorSatisfies(e -> assertThat(e)
                .isInstanceOf(ClosedChannelException.class).hasMessageContaining("direct"));
    }

    @Test
    void directReadTimesOutAndReleasesItsFileReference() throws Exception {
        ReactiveFile f = open(fifo(), StandardOpenOption.READ, StandardOpenOption.WRITE);
        int before = KernelHeld.count();
        StepVerifier.create(f.withTimeout(Duration.ofMillis(50)).read(ByteBuffer.allocateDirect(16), 0))
                .verifyErrorSatisfies(e -> assertThat(e).isInstanceOf(TimeoutException.class)
                        .hasMessageContaining("READ").hasMessageContaining("fifo"));
        Held.awaitCount(before);
        // the timed-out read let go of the file: close goes through
        StepVerifier.create(f.close()).verifyComplete();
    }

    @Test
    void readAheadIsBoundedByDepthAndCancelledReadsAreAllReleased() throws Exception {
        // FIFO reads never complete, so what the kernel holds is exactly the reads in flight
        ReactiveFile f = open(fifo(), StandardOpenOption.READ, StandardOpenOption.WRITE);
        int before = KernelHeld.count();
        StepVerifier.create(f.readAll(16, 3), 1)
                .expectSubscription()
                .then(() -> await(before + 3))
                .expectNoEvent(Duration.ofMillis(50))
                .then(() -> assertThat(KernelHeld.count()).isEqualTo(before + 3))
                .thenCancel()
                .verify(Duration.ofSeconds(5));
        Held.awaitCount(before);
        StepVerifier.create(f.close()).verifyComplete();
    }

    private static void await(int held) {
        try {
            Held.awaitCount(held);
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void readAllFollowsDemand() throws Exception {
        Path p = dir.resolve("demand");
        Files.write(p, new byte[10 * 100]);
        ReactiveFile f = open(p);
        StepVerifier.create(f.readAll(100, 2), 0)
                .expectSubscription()
                .expectNoEvent(Duration.ofMillis(20))
                .thenRequest(1)
                .expectNextMatches(b -> b.remaining() == 100)
                .expectNoEvent(Duration.ofMillis(20))
                .thenRequest(3)
                .expectNextCount(3)
                .thenRequest(Long.MAX_VALUE)
                .expectNextCount(6)
                .verifyComplete();
        f.close().block(Duration.ofSeconds(10));
    }

    @Test
    void fsyncFdatasyncTruncateAndSize() throws Exception {
        Path p = dir.resolve("sync");
        ReactiveFile f = open(p, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        StepVerifier.create(f.write(ByteBuffer.wrap(new byte[5000]), 0).then(f.fsync()).then(f.fdatasync())
                .then(f.truncate(10)).then(f.size())).expectNext(10L).verifyComplete();
        assertThat(Files.size(p)).isEqualTo(10);
        f.close().block(Duration.ofSeconds(10));
    }

    @Test
    void contextReachesOpsOfAFile() throws Exception {
        Path p = dir.resolve("ctx");
        Files.write(p, new byte[4]);
        Mono<String> m = ReactiveFile.open(uring, p)
                .flatMap(f -> f.read(0, 4).then(Mono.deferContextual(c -> Mono.just(c.<String>get("k")))).flatMap(v -> f.close().thenReturn(v)))
                .contextWrite(c -> c.put("k", "v"));
        StepVerifier.create(m).expectNext("v").verifyComplete();
    }
}
