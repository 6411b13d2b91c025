package dev.uring.benchmarks.reactor;

import dev.uring.benchmarks.BenchFile;
import dev.uring.benchmarks.PeerRandomReadBenchmark;
import dev.uring.benchmarks.files.FixedFileReadBenchmark;
import dev.uring.benchmarks.files.ReadBatch;
import dev.uring.core.loop.EventLoop;
import dev.uring.core.loop.EventLoopGroup;
import dev.uring.reactor.Uring;
import dev.uring.reactor.file.ReactiveFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousFileChannel;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * 4 KiB random reads of the hot 1 GiB {@link BenchFile} with {@value #DEPTH} reads in flight in
 * total: {@link ReactiveFile#read(ByteBuffer, long)} Monos merged by {@code flatMap} over a
 * {@link Uring} of {@value #LOOPS} loops, against {@link AsynchronousFileChannel} at the same depth
 * and {@link FileChannel} positional reads on as many threads as loops, and the blocking peers users
 * pick today ({@link BlockingReads}: virtual threads, and Reactor's boundedElastic idiom).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow"})
public class ReactorRandomReadBenchmark {
    /** Reads in flight in total, for the Monos and for AsynchronousFileChannel. */
    static final int DEPTH = 32;
    /** Loops of the Uring, and threads of the FileChannel peer. */
    static final int LOOPS = 2;
    /** Reads per benchmark invocation. */
    static final int READS = 1024;
    /** Reads of {@link #longStreamOnEachLoop}'s stream on each loop: half the offsets. */
    static final int LONG_STREAM = BenchFile.OFFSETS / LOOPS;
    private static final int OFFSETS = BenchFile.OFFSETS;

    /**
     * The Uring, the file opened through it, and one direct 4 KiB buffer per read of an invocation
     * (an invocation ends only when all its reads have, so a buffer is never shared by two reads).
     */
    @State(Scope.Thread)
    public static class Reactive {
        @SuppressWarnings("NullAway.Init")
        Uring uring;
        @SuppressWarnings("NullAway.Init")
        ReactiveFile file;
        final ByteBuffer[] buffers = new ByteBuffer[READS];
        final long[] offsets = BenchFile.randomOffsets(OFFSETS, 7);
        int next;

        /** Creates and warms the file, starts the loops and opens the file on them. */
        @Setup(Level.Trial)
        public void open() throws IOException {
            // uring.bench.loops: by-hand experiments only (does the hand-over between loops cost?)
            uring = openUring(Integer.getInteger("uring.bench.loops", LOOPS));
            file = openFile(uring);
            for (int i = 0; i < READS; i++) {
                buffers[i] = ByteBuffer.allocateDirect(BenchFile.BLOCK);
            }
        }

        /** Closes the file and the loops. */
        @TearDown(Level.Trial)
        public void close() {
            closeBoth(uring, file);
        }
    }

    /** Creates and warms the bench file, and starts a Uring of {@code loops} loops. */
    static Uring openUring(int loops) throws IOException {
        BenchFile.warm(BenchFile.ensure());
        return Uring.create(loops);
    }

    /** Opens the (warmed) bench file on {@code uring}. */
    static ReactiveFile openFile(Uring uring) throws IOException {
        return Objects.requireNonNull(ReactiveFile.open(uring, BenchFile.ensure()).block(), "open");
    }

    /** Closes the file, then its Uring. */
    static void closeBoth(Uring uring, ReactiveFile file) {
        file.close().block();
        uring.close();
    }

    /**
     * {@value #READS} Monos of {@code ReactiveFile.read(buffer, offset)}, {@value #DEPTH} subscribed
     * at a time by {@code flatMap}; each completion subscribes the next read on the loop that
     * completed it, so the reads stay spread over the loops they started on.
     *
     * <p>What it measures, per invocation: the JMH thread subscribes, so the first {@value #DEPTH}
     * reads are handed over to the loops (a queue and a wake-up each); the other reads are
     * subscribed on a loop thread by the flatMap's refill and submitted there directly, batched
     * into that loop's next io_uring_enter; the invocation ends when the last read has completed
     * and {@code block()} has woken the JMH thread. Both loops drain the one flatMap, so they
     * contend on its work-in-progress counter: this is the API used naively across the group,
     * start-up and hand-over costs included. {@link #monoPerLoop} is the server shape.
     */
    @Benchmark
    @OperationsPerInvocation(READS)
    public long mono(Reactive s) throws IOException {
        int base = s.next;
        s.next = (base + READS) & (OFFSETS - 1);
        ReactiveFile file = s.file;
        ByteBuffer[] buffers = s.buffers;
        long[] offsets = s.offsets;
        Long shortReads = Flux.range(0, READS)
                .flatMap(i -> file.read(buffers[i].clear(), offsets[(base + i) & (OFFSETS - 1)]), DEPTH)
                .filter(n -> n != BenchFile.BLOCK)
                .count()
                .block();
        if (shortReads == null || shortReads != 0) {
            throw new IOException(shortReads + " reads came back short");
        }
        return s.next;
    }

    /**
     * The same {@value #READS} reads split into one {@code flatMap} per loop, each subscribed on a
     * loop thread ({@code subscribeOn} the Uring's scheduler, whose workers are pinned to loops), so
     * every read of a share starts and completes on its loop and no two loops drain one flatMap.
     */
    @Benchmark
    @OperationsPerInvocation(READS)
    public long monoPerLoop(Reactive s) throws IOException {
        int base = s.next;
        s.next = (base + READS) & (OFFSETS - 1);
        perLoop(s.uring, s.file, s.buffers, s.offsets, base);
        return s.next;
    }

    /**
     * {@code buffers.length} reads split into one {@code flatMap} per loop of {@code uring}, each subscribed
     * on its loop, {@value #DEPTH} in flight in all; fails on a short read. Shared with the O_DIRECT run.
     */
    static void perLoop(Uring uring, ReactiveFile file, ByteBuffer[] buffers, long[] offsets, int base)
            throws IOException {
        int loops = uring.group().size();
        int share = buffers.length / loops;
        Long shortReads = Flux.range(0, loops)
                .flatMap(l -> Flux.range(l * share, share)
                        .flatMap(i -> file.read(buffers[i].clear().limit(BenchFile.BLOCK),
                                offsets[(base + i) & (OFFSETS - 1)]), DEPTH / loops)
                        .filter(n -> n != BenchFile.BLOCK)
                        .count()
                        .subscribeOn(uring.scheduler()))
                .reduce(0L, Long::sum)
                .block();
        if (shortReads == null || shortReads != 0) {
            throw new IOException(shortReads + " reads came back short");
        }
    }

    /**
     * Reactor's own cost per element on {@link #monoPerLoop}'s shape, its bound: the same split into
     * one {@code flatMap} per loop, the same concurrency, filter, count and reduce, subscribed on the
     * loops, but each inner is a Mono that does no I/O and completes from a task on its loop
     * ({@link LoopCompletions}), as a read's Mono completes from its CQE: outside the flatMap's drain,
     * with {@value #DEPTH} / loops inners in flight. If our op cost nothing, Mono per loop would take
     * the core loops' time per read plus this one's: 1 / (1 / coreLoops + 1 / flatMapOnlyPerLoop).
     *
     * <p>Why not {@code Mono.just(BLOCK)}: flatMap takes a {@code Callable} inner's value on its scalar
     * path, with no inner subscriber at all. {@code Mono.just(BLOCK).hide()} does go through
     * {@code FlatMapInner} (MonoHide is no Callable, its subscriber no QueueSubscription), but it
     * completes inside its own subscribe: each inner has emitted, completed and left the tracker before
     * the range emits the next, so one inner is ever in flight, the drain scans a tracker of 4 slots
     * instead of 16, and each refill is a re-entrant request that only adds to the range's demand. That
     * path is cheaper than the one the reads take, so its bound would be too high.
     */
    @Benchmark
    @OperationsPerInvocation(READS)
    public long flatMapOnlyPerLoop(Reactive s) {
        Uring uring = s.uring;
        int loops = uring.group().size();
        int share = READS / loops;
        Long others = Flux.range(0, loops)
                .flatMap(l -> {
                    LoopCompletions completions = new LoopCompletions();
                    return Flux.range(l * share, share)
                            .flatMap(i -> completions, DEPTH / loops)
                            .filter(n -> n != BenchFile.BLOCK)
                            .count()
                            .subscribeOn(uring.scheduler());
                })
                .reduce(0L, Long::sum)
                .block();
        if (others == null || others != 0) {
            throw new IllegalStateException(others + " elements were not " + BenchFile.BLOCK);
        }
        return others;
    }

    /**
     * Stands in for the ring in {@link #flatMapOnlyPerLoop}: a Mono of {@link BenchFile#BLOCK} whose
     * every subscription, once requested, is completed by a task on the loop that requested it, in
     * request order, as a batch of CQEs completes reads: never inside the flatMap's drain. One task
     * completes them all (the inners the flatMap subscribes meanwhile join its queue), so no loop pass,
     * task hand-over or io_uring_enter is counted per element: what remains is the flatMap's and its
     * subscribers' work, plus an ArrayDeque offer and poll and one small subscription per element (a
     * Mono needs one per subscriber; a read's is its op). Loop-confined: subscribed, requested and
     * completed on one loop, unsynchronized.
     */
    static final class LoopCompletions extends Mono<Integer> {
        /** Boxed once: the value is the flatMap's element, its boxing not Reactor's cost. */
        private static final Integer BLOCK = BenchFile.BLOCK;
        private final ArrayDeque<Completing> ready = new ArrayDeque<>(DEPTH);
        private boolean draining;

        @Override
        public void subscribe(CoreSubscriber<? super Integer> actual) {
            actual.onSubscribe(new Completing(this, actual));
        }

        /** Queues {@code c} for completion; the first of a run hands the drain to the calling loop. */
        void ready(Completing c) {
            ready.offer(c);
            if (!draining) {
                draining = true;
                Objects.requireNonNull(EventLoop.current(), "requested off the loops").execute(this::drain);
            }
        }

        private void drain() {
            Completing c;
            while ((c = ready.poll()) != null) {
                c.complete();
            }
            draining = false;
        }

        /** One subscriber's subscription: completes with {@link #BLOCK} once requested, unless cancelled. */
        static final class Completing implements Subscription {
            private final LoopCompletions owner;
            private final CoreSubscriber<? super Integer> actual;
            private boolean requested;
            private boolean cancelled;

            Completing(LoopCompletions owner, CoreSubscriber<? super Integer> actual) {
                this.owner = owner;
                this.actual = actual;
            }

            @Override
            public void request(long n) {
                if (n <= 0) {
                    // rule 3.9
                    cancelled = true;
                    actual.onError(new IllegalArgumentException("request must be positive, got " + n));
                } else if (!requested && !cancelled) {
                    requested = true;
                    owner.ready(this);
                }
            }

            @Override
            public void cancel() {
                cancelled = true;
            }

            void complete() {
                if (!cancelled) {
                    actual.onNext(BLOCK);
                    actual.onComplete();
                }
            }
        }
    }

    /** The blocking peers (virtual threads, boundedElastic) over the hot file: one FileChannel, 4 KiB buffers. */
    @State(Scope.Thread)
    public static class Blocking {
        @SuppressWarnings("NullAway.Init")
        BlockingReads reads;

        /** Creates and warms the file, then opens it. */
        @Setup(Level.Trial)
        public void open() throws IOException {
            Path path = BenchFile.ensure();
            BenchFile.warm(path);
            reads = new BlockingReads(path, READS, DEPTH);
        }

        /** Closes the channel. */
        @TearDown(Level.Trial)
        public void close() throws IOException {
            reads.close();
        }
    }

    /**
     * The same {@value #READS} reads on {@value #DEPTH} virtual threads started per invocation, each
     * reading its share with blocking {@code FileChannel.read(buffer, position)}: thread per read, the
     * model Loom offers (the JDK's default scheduler, as many carriers as CPUs).
     */
    @Benchmark
    @OperationsPerInvocation(READS)
    public int virtualThreads(Blocking s) throws IOException, InterruptedException {
        return s.reads.virtualThreads();
    }

    /**
     * The same reads as {@code Mono.fromCallable(() -> channel.read(...)).subscribeOn(Schedulers.boundedElastic())},
     * {@value #DEPTH} at a time: the Reactor idiom for a blocking API.
     */
    @Benchmark
    @OperationsPerInvocation(READS)
    public long boundedElastic(Blocking s) {
        return s.reads.boundedElastic();
    }

    /**
     * The same {@value #READS} reads as {@link #monoPerLoop}, one {@link ReactiveFile#readAsCompleted}
     * stream per loop instead of one Mono per read: one subscription per share, subscribed on its
     * loop, {@value #DEPTH} / loops reads in flight, the stream's own buffers released as the chunks
     * arrive. The positions are boxed by the source here (the benchmark's, not the stream's allocation).
     */
    @Benchmark
    @OperationsPerInvocation(READS)
    public long streamPerLoop(Reactive s) throws IOException {
        int base = s.next;
        s.next = (base + READS) & (OFFSETS - 1);
        ReactiveFile file = s.file;
        long[] offsets = s.offsets;
        int loops = s.uring.group().size();
        int share = READS / loops;
        Long shortReads = Flux.range(0, loops)
                .flatMap(l -> file.readAsCompleted(Flux.range(l * share, share).map(i -> offsets[(base + i) & (OFFSETS - 1)]),
                                BenchFile.BLOCK, DEPTH / loops)
                        .filter(c -> {
                            boolean isShort = c.buffer().remaining() != BenchFile.BLOCK;
                            c.release();
                            return isShort;
                        })
                        .count()
                        .subscribeOn(s.uring.scheduler()))
                .reduce(0L, Long::sum)
                .block();
        if (shortReads == null || shortReads != 0) {
            throw new IOException(shortReads + " reads came back short");
        }
        return s.next;
    }

    /** One Uring and file shared by the JMH threads of {@link #streamOnEachLoop}. */
    @State(Scope.Benchmark)
    public static class SharedReactive {
        @SuppressWarnings("NullAway.Init")
        Uring uring;
        @SuppressWarnings("NullAway.Init")
        ReactiveFile file;
        final long[] offsets = BenchFile.randomOffsets(OFFSETS, 7);
        final AtomicInteger nextLoop = new AtomicInteger();

        /** Creates and warms the file, starts the loops and opens the file on them. */
        @Setup(Level.Trial)
        public void open() throws IOException {
            uring = openUring(LOOPS);
            file = openFile(uring);
        }

        /** Closes the file and the loops. */
        @TearDown(Level.Trial)
        public void close() {
            closeBoth(uring, file);
        }
    }

    /** One JMH thread's loop of {@link SharedReactive}, as a Scheduler, and its place in the offsets. */
    @State(Scope.Thread)
    public static class LoopShare {
        @SuppressWarnings("NullAway.Init")
        Scheduler loop;
        int next;
        // this thread's half of the offsets, boxed once: a source that allocates nothing per read
        @SuppressWarnings("NullAway.Init")
        Long[] boxedHalf;

        /** Takes the next loop of the Uring. */
        @Setup(Level.Trial)
        public void pick(SharedReactive s) {
            int i = s.nextLoop.getAndIncrement();
            loop = Schedulers.fromExecutor(s.uring.group().get(i % LOOPS));
            next = (i * (OFFSETS / LOOPS)) & (OFFSETS - 1);
            boxedHalf = new Long[LONG_STREAM];
            for (int j = 0; j < LONG_STREAM; j++) {
                boxedHalf[j] = s.offsets[(next + j) & (OFFSETS - 1)];
            }
        }
    }

    /**
     * {@link #streamOnEachLoop}'s shape with one long stream per loop (half the offsets) whose
     * positions were boxed before the run ({@code Flux.fromArray}): its bytes allocated per read are
     * the streaming API's own once the stream runs, with the per-stream set-up spread thin.
     */
    @Benchmark
    @Threads(LOOPS)
    @OperationsPerInvocation(LONG_STREAM)
    public void longStreamOnEachLoop(SharedReactive s, LoopShare t) throws IOException {
        readOnLoop(s.file, Flux.fromArray(t.boxedHalf), t.loop);
    }

    /** One readAsCompleted stream of {@code positions}, subscribed on {@code loop} and waited for; fails on a short read. */
    private static void readOnLoop(ReactiveFile file, Flux<Long> positions, Scheduler loop) throws IOException {
        Long shortReads = file.readAsCompleted(positions, BenchFile.BLOCK, DEPTH / LOOPS)
                .filter(c -> {
                    boolean isShort = c.buffer().remaining() != BenchFile.BLOCK;
                    c.release();
                    return isShort;
                })
                .count()
                .subscribeOn(loop)
                .block();
        if (shortReads == null || shortReads != 0) {
            throw new IOException(shortReads + " reads came back short");
        }
    }

    /**
     * {@link #streamPerLoop}'s reads driven as {@link #coreLoops} drives its batches: {@value #LOOPS}
     * JMH threads, each subscribing one {@link ReactiveFile#readAsCompleted} stream of its share on
     * its own loop and waiting for it, so that neither waits for the other loop's share.
     */
    @Benchmark
    @Threads(LOOPS)
    @OperationsPerInvocation(READS / LOOPS)
    public long streamOnEachLoop(SharedReactive s, LoopShare t) throws IOException {
        int base = t.next;
        int share = READS / LOOPS;
        t.next = (base + share) & (OFFSETS - 1);
        long[] offsets = s.offsets;
        readOnLoop(s.file, Flux.range(0, share).map(i -> offsets[(base + i) & (OFFSETS - 1)]), t.loop);
        return t.next;
    }

    /**
     * The ceiling for any reactive layer: the same 4 KiB reads on {@value #LOOPS} event loops
     * through the core API alone ({@link ReadBatch}: a reused completion and buffer per read in
     * flight, no Mono, no allocation), {@value #DEPTH} in flight in all, one loop per JMH thread.
     */
    @State(Scope.Benchmark)
    public static class CoreLoops {
        @SuppressWarnings("NullAway.Init")
        EventLoopGroup group;
        int fd = -1;
        final AtomicInteger nextLoop = new AtomicInteger();

        /** Warms the file, starts the loops and opens the file on the first. */
        @Setup(Level.Trial)
        public void open() throws Exception {
            Path path = BenchFile.ensure();
            BenchFile.warm(path);
            group = EventLoopGroup.create(LOOPS);
            fd = FixedFileReadBenchmark.openPlain(group.get(0), path);
        }

        /** Closes the file and the loops. */
        @TearDown(Level.Trial)
        public void close() throws Exception {
            FixedFileReadBenchmark.closePlain(group.get(0), fd);
            group.close();
        }
    }

    /** One JMH thread's loop of {@link CoreLoops} and its batch of reads. */
    @State(Scope.Thread)
    public static class CoreBatch {
        @SuppressWarnings("NullAway.Init")
        ReadBatch batch;

        /** Takes the next loop of the group. */
        @Setup(Level.Trial)
        public void open(CoreLoops loops) {
            int i = loops.nextLoop.getAndIncrement();
            batch = new ReadBatch(loops.group.get(i % LOOPS), DEPTH / LOOPS, READS / LOOPS, BenchFile.BLOCK,
                    BenchFile.SIZE, 7 + i);
        }

        /** Frees the batch's buffers. */
        @TearDown(Level.Trial)
        public void close() {
            batch.close();
        }
    }

    /**
     * {@value #READS} reads per invocation split over {@value #LOOPS} JMH threads, each handing its
     * share to its own loop once: what io_uring gives on these loops with no Reactor in between.
     */
    @Benchmark
    @Threads(LOOPS)
    @OperationsPerInvocation(READS / LOOPS)
    public void coreLoops(CoreLoops loops, CoreBatch b) throws IOException, InterruptedException {
        b.batch.run(loops.fd, false);
    }

    /** AsynchronousFileChannel 4 KiB random reads with {@value #DEPTH} in flight (the JDK's thread pool). */
    @Benchmark
    @OperationsPerInvocation(READS)
    public int asyncFileChannel(PeerRandomReadBenchmark.Async s) throws InterruptedException, IOException {
        return s.readBatch(READS);
    }

    /** FileChannel.read(buffer, position) of 4 KiB on {@value #LOOPS} threads: blocking pread IOPS summed. */
    @Benchmark
    @Threads(LOOPS)
    public int fileChannel(PeerRandomReadBenchmark.Sync s) throws IOException {
        return s.read();
    }
}
