package dev.uring.reactor.file;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uring.reactor.TestRuntimes;
import dev.uring.core.loop.EventLoop;
import dev.uring.reactor.Uring;
import dev.uring.reactor.op.LoopMemory;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

/** ReactiveFile.read(positions, length, concurrency): one stream of reads on real files. */
@Timeout(60)
class FileReadsTest {
    private static final int BLOCK = 4096;
    private static final int BLOCKS = 64;

    @AutoClose
    static final Uring uring = TestRuntimes.create(2);
    @TempDir
    static Path dir;
    static byte[] data;
    static Path path;

    @BeforeAll
    static void createFile() throws IOException {
        data = new byte[BLOCK * BLOCKS];
        new Random(3).nextBytes(data);
        path = dir.resolve("blocks");
        Files.write(path, data);
    }

    private static ReactiveFile open(Path p, StandardOpenOption... o) {
        return ReactiveFile.open(uring, p, o).block(Duration.ofSeconds(10));
    }

    private static List<Long> shuffledPositions(int n, long seed) {
        List<Long> p = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            p.add((long) (i % BLOCKS) * BLOCK);
        }
        Collections.shuffle(p, new Random(seed));
        return p;
    }

    /** The chunk's bytes, checked against the file, then the chunk released. */
    private static long checkAndRelease(FileChunk c) {
        ByteBuffer b = c.buffer();
        byte[] got = new byte[b.remaining()];
        b.get(got);
        int at = (int) c.position();
        byte[] want = java.util.Arrays.copyOfRange(data, at, Math.min(data.length, at + BLOCK));
        assertThat(got).as("bytes at %d", at).isEqualTo(want);
        long p = c.position();
        c.release();
        return p;
    }

    /** Subscribes and hands back the stream's own subscription (for its test hooks). */
    private static FluxFileReads.Reads subscribe(Flux<FileChunk> reads, CoreSubscriber<FileChunk> s) {
        CompletableFuture<Subscription> sub = new CompletableFuture<>();
        reads.subscribe(new CoreSubscriber<FileChunk>() {
            @Override
            public void onSubscribe(Subscription x) {
                sub.complete(x);
                s.onSubscribe(x);
            }

            @Override
            public void onNext(FileChunk c) {
                s.onNext(c);
            }

            @Override
            public void onError(Throwable t) {
                s.onError(t);
            }

            @Override
            public void onComplete() {
                s.onComplete();
            }
        });
        return (FluxFileReads.Reads) sub.join();
    }

    private static void awaitFreed(FluxFileReads.Reads r) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!r.freed && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(r.freed).as("the stream's buffers freed and its file reference let go").isTrue();
    }

    @Test
    void chunksComeInThePositionsOrderWithTheFilesBytes() {
        ReactiveFile f = open(path);
        List<Long> positions = shuffledPositions(500, 1);
        List<Long> got = f.read(Flux.fromIterable(positions), BLOCK, 8)
                .map(FileReadsTest::checkAndRelease)
                .collectList().block(Duration.ofSeconds(30));
        assertThat(got).containsExactlyElementsOf(positions);
        f.close().block(Duration.ofSeconds(10));
    }

    @Test
    void asCompletedGivesEveryPositionOnce() {
        ReactiveFile f = open(path);
        List<Long> positions = shuffledPositions(500, 2);
        List<Long> got = f.readAsCompleted(Flux.fromIterable(positions), BLOCK, 8)
                .map(FileReadsTest::checkAndRelease)
                .collectList().block(Duration.ofSeconds(30));
        assertThat(got).containsExactlyInAnyOrderElementsOf(positions);
        f.close().block(Duration.ofSeconds(10));
    }

    private static int lentOn(EventLoop loop) throws Exception {
        CompletableFuture<Integer> f = new CompletableFuture<>();
        loop.execute(() -> f.complete(java.util.Objects.requireNonNull(LoopMemory.current()).lent()));
        return f.get(10, TimeUnit.SECONDS);
    }

    @Test
    void aStreamsBuffersAreLeasedFromItsLoopsPoolAndGivenBackOnceReleased() throws Exception {
        try (Uring own = TestRuntimes.create(1)) {
            EventLoop loop = own.group().get(0);
            ReactiveFile f = ReactiveFile.open(own, path).block(Duration.ofSeconds(10));
            int before = lentOn(loop);
            List<FileChunk> held = Collections.synchronizedList(new ArrayList<>());
            java.util.concurrent.CountDownLatch eight = new java.util.concurrent.CountDownLatch(8);
            FluxFileReads.Reads r = subscribe(f.read(Flux.fromIterable(shuffledPositions(8, 5)), BLOCK, 4),
                    new CoreSubscriber<>() {
                        @Override
                        public void onSubscribe(Subscription s) {
                            s.request(8);
                        }

                        @Override
                        public void onNext(FileChunk c) {
                            held.add(c);
                            eight.countDown();
                        }

                        @Override
                        public void onError(Throwable t) {
                        }

                        @Override
                        public void onComplete() {
                        }
                    });
            assertThat(eight.await(10, TimeUnit.SECONDS)).as("8 chunks delivered").isTrue();
            assertThat(held).hasSize(8);
            // 2 x concurrency buffers, lent by the loop's pool (no Arena of the stream's own)
            assertThat(lentOn(loop) - before).as("blocks the stream holds").isEqualTo(8);
            held.forEach(FileReadsTest::checkAndRelease);
            awaitFreed(r);
            assertThat(lentOn(loop)).as("blocks lent once every chunk was released").isEqualTo(before);
            f.close().block(Duration.ofSeconds(10));
        }
    }

    @Test
    void readsNoMoreThanRequestedAndAtMostConcurrencyInFlight() throws Exception {
        ReactiveFile f = open(path);
        List<FileChunk> got = Collections.synchronizedList(new ArrayList<>());
        Subscription[] sub = new Subscription[1];
        FluxFileReads.Reads r = subscribe(f.read(Flux.fromIterable(shuffledPositions(400, 3)), BLOCK, 4),
                new CoreSubscriber<>() {
                    @Override
                    public void onSubscribe(Subscription s) {
                        sub[0] = s;
                    }

                    @Override
                    public void onNext(FileChunk c) {
                        got.add(c);
                    }

                    @Override
                    public void onError(Throwable t) {
                    }

                    @Override
                    public void onComplete() {
                    }
                });
        Thread.sleep(100);
        assertThat(r.issued).as("reads before any request").isZero();
        sub[0].request(3);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (got.size() < 3 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        Thread.sleep(100);
        assertThat(got).hasSize(3);
        assertThat(r.issued).as("reads for a demand of 3").isEqualTo(3);
        got.forEach(FileReadsTest::checkAndRelease);
        sub[0].request(Long.MAX_VALUE);
        deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (got.size() < 400 && System.nanoTime() < deadline) {
            Thread.sleep(5);
            synchronized (got) {
                for (int i = 3; i < got.size(); i++) {
                    got.get(i).release();
                }
            }
        }
        assertThat(got).hasSize(400);
        got.forEach(FileChunk::release);
        assertThat(r.maxInFlight).as("most reads in flight, concurrency 4").isBetween(1, 4);
        awaitFreed(r);
        f.close().block(Duration.ofSeconds(10));
    }

    @Test
    void cancelMidStreamFreesEverythingAndLetsTheFileClose() throws Exception {
        ReactiveFile f = open(path);
        List<FileChunk> got = new ArrayList<>();
        Subscription[] sub = new Subscription[1];
        FluxFileReads.Reads r = subscribe(f.readAsCompleted(Flux.fromIterable(shuffledPositions(5000, 4)), BLOCK, 16),
                new CoreSubscriber<>() {
                    @Override
                    public void onSubscribe(Subscription s) {
                        sub[0] = s;
                        s.request(Long.MAX_VALUE);
                    }

                    @Override
                    public void onNext(FileChunk c) {
                        synchronized (got) {
                            got.add(c);
                            if (got.size() <= 45) {
                                // the stream has 32 buffers: the first chunks go back, the last 5 are kept out
                                checkAndRelease(c);
                            }
                            if (got.size() == 50) {
                                sub[0].cancel();
                            }
                        }
                    }

                    @Override
                    public void onError(Throwable t) {
                    }

                    @Override
                    public void onComplete() {
                    }
                });
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (got.size() < 50 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        Thread.sleep(50);
        synchronized (got) {
            assertThat(got).as("nothing delivered after cancel").hasSize(50);
            assertThat(r.freed).as("memory kept while chunks are out").isFalse();
            got.subList(45, 50).forEach(FileReadsTest::checkAndRelease);
        }
        awaitFreed(r);
        // a leaked reference would keep the fd open and this close from completing
        StepVerifier.create(f.close()).expectComplete().verify(Duration.ofSeconds(10));
    }

    @Test
    void aSynchronouslyFusedSourceAndAHiddenOneGiveTheSameChunks() throws Exception {
        ReactiveFile f = open(path);
        List<Long> positions = shuffledPositions(300, 3);
        for (boolean hide : new boolean[] {false, true}) {
            Flux<Long> source = Flux.range(0, positions.size()).map(positions::get);
            Flux<Long> given = hide ? source.hide() : source;
            List<Long> got = new CopyOnWriteArrayList<>();
            CompletableFuture<Void> done = new CompletableFuture<>();
            FluxFileReads.Reads r = subscribe(f.read(given, BLOCK, 4), new BaseSubscriber<FileChunk>() {
                @Override
                protected void hookOnNext(FileChunk c) {
                    got.add(checkAndRelease(c));
                }

                @Override
                protected void hookOnComplete() {
                    done.complete(null);
                }

                @Override
                protected void hookOnError(Throwable t) {
                    done.completeExceptionally(t);
                }
            });
            done.get(30, TimeUnit.SECONDS);
            assertThat(r.isFused()).as("positions polled from the source (hidden: %s)", hide).isEqualTo(!hide);
            assertThat(got).as("hidden: %s", hide).containsExactlyElementsOf(positions);
            awaitFreed(r);
        }
        f.close().block(Duration.ofSeconds(10));
    }

    @Test
    void aFusedSourceWhoseFunctionThrowsEndsTheStreamWithThatError() throws Exception {
        ReactiveFile f = open(path);
        CompletableFuture<Throwable> failed = new CompletableFuture<>();
        AtomicInteger delivered = new AtomicInteger();
        FluxFileReads.Reads r = subscribe(f.read(Flux.range(0, 100).map(i -> {
            if (i == 40) {
                throw new IllegalStateException("no position " + i);
            }
            return (long) i * BLOCK;
        }), BLOCK, 4), new BaseSubscriber<FileChunk>() {
            @Override
            protected void hookOnNext(FileChunk c) {
                delivered.incrementAndGet();
                checkAndRelease(c);
            }

            @Override
            protected void hookOnError(Throwable t) {
                failed.complete(t);
            }
        });
        assertThat(failed.get(30, TimeUnit.SECONDS)).isInstanceOf(IllegalStateException.class)
                .hasMessage("no position 40");
        assertThat(r.isFused()).isTrue();
        assertThat(delivered.get()).as("no chunk past the failed position").isLessThanOrEqualTo(40);
        awaitFreed(r);
        f.close().block(Duration.ofSeconds(10));
    }

    @Test
    void readsAtAndAcrossTheEndGiveTheBytesThereAre() {
        ReactiveFile f = open(path);
        long size = data.length;
        List<int[]> got = f.read(Flux.just(size - 100, size, size + BLOCK), BLOCK, 2)
                .map(c -> {
                    int[] r = {(int) (c.position() - size), c.buffer().remaining()};
                    c.release();
                    return r;
                })
                .collectList().block(Duration.ofSeconds(10));
        assertThat(got).extracting(r -> r[0] + ":" + r[1]).containsExactly("-100:100", "0:0", "4096:0");
        f.close().block(Duration.ofSeconds(10));
    }

    @Test
    void aFailedReadEndsTheStreamWithItsError() throws Exception {
        Path w = dir.resolve("write-only");
        Files.write(w, new byte[BLOCK]);
        ReactiveFile f = open(w, StandardOpenOption.WRITE);
        StepVerifier.create(f.read(Flux.just(0L, 0L, 0L), BLOCK, 2))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(IOException.class).hasMessageContaining("EBADF"))
                .verify(Duration.ofSeconds(10));
        StepVerifier.create(f.close()).expectComplete().verify(Duration.ofSeconds(10));
    }

    @Test
    void aClosedFileFailsTheSubscription() {
        ReactiveFile f = open(path);
        f.close().block(Duration.ofSeconds(10));
        StepVerifier.create(f.read(Flux.just(0L), BLOCK, 1)).expectError(ClosedChannelException.class)
                .verify(Duration.ofSeconds(10));
    }

    @Test
    void aFailedPositionsPublisherEndsTheStream() {
        ReactiveFile f = open(path);
        StepVerifier.create(f.read(Flux.concat(Flux.just(0L), Flux.error(new IllegalStateException("no more"))), BLOCK, 2)
                        .doOnNext(FileChunk::release))
                // the read of 0 may or may not beat the error: the error comes at once, not after it
                .thenConsumeWhile(c -> true)
                .expectErrorMessage("no more")
                .verify(Duration.ofSeconds(10));
        f.close().block(Duration.ofSeconds(10));
    }
}
