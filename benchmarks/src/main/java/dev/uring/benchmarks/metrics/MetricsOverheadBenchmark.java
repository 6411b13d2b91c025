package dev.uring.benchmarks.metrics;

import dev.uring.benchmarks.BenchFile;
import dev.uring.core.loop.Completion;
import dev.uring.core.loop.EventLoop;
import dev.uring.core.loop.EventLoopGroup;
import dev.uring.reactor.Uring;
import dev.uring.reactor.file.ReactiveFile;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import reactor.core.publisher.Flux;

/**
 * Metrics off and on ({@code metrics} = {@code off}, {@code on}) on two hot paths: EventLoop NOP
 * round trips in batches of 32 (the shape of {@code EventLoopNopBenchmark.batch32}: every op costs
 * the loop's counting and nothing else) and 4 KiB random reads of the hot 1 GiB file through
 * {@link ReactiveFile#read(ByteBuffer, long)} Monos, one flatMap per loop (the shape of
 * {@code ReactorRandomReadBenchmark.monoPerLoop}). "on" is what {@code Uring.metrics(registry)}
 * sets: counting on every loop, a {@link SimpleMeterRegistry} bound, the JFR thresholds at their
 * defaults. The ratio on/off of each pair is the row of issue 20 (target: at least 0.97).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow"})
public class MetricsOverheadBenchmark {
    private static final int SPINS_BEFORE_YIELD = 1_000;
    private static final int NOPS = 32;
    private static final int DEPTH = 32;
    private static final int LOOPS = 2;
    private static final int READS = 1024;
    private static final int OFFSETS = BenchFile.OFFSETS;

    /** One event loop, counting or not. */
    @State(Scope.Thread)
    public static class Loop {
        /** {@code off}: a loop as created; {@code on}: {@link EventLoop#enableStats} with Uring's default thresholds. */
        @Param({"off", "on"})
        public String metrics;
        @SuppressWarnings("NullAway.Init")
        EventLoop loop;
        volatile long completed;
        final Completion onCqe = (res, flags) -> {
            if (res < 0) {
                throw new IllegalStateException("NOP failed: " + res);
            }
            completed++; // only the loop thread writes
        };
        final Runnable prepNops = () -> {
            for (int i = 0; i < NOPS; i++) {
                long ud = loop.register(onCqe);
                loop.nextSqe().prepNop().userData(ud);
            }
        };

        /** Starts the loop (and its counting for {@code on}). */
        @Setup(Level.Trial)
        public void start() throws IOException {
            loop = EventLoop.start(EventLoop.defaultOptions(256), EventLoopGroup.daemonThreads("bench-loop"));
            if (metrics.equals("on")) {
                loop.enableStats(Uring.DEFAULT_SLOW_OP, Uring.DEFAULT_STALL);
            }
        }

        /** Closes the loop. */
        @TearDown(Level.Trial)
        public void stop() {
            loop.close();
        }
    }

    /** 32 NOPs per hand-off to the loop, the caller spinning until all have completed. */
    @Benchmark
    @OperationsPerInvocation(NOPS)
    public long loopNopBatch32(Loop s) {
        long target = s.completed + NOPS;
        s.loop.execute(s.prepNops);
        int spins = 0;
        while (s.completed != target) {
            if (++spins > SPINS_BEFORE_YIELD) {
                Thread.yield();
            } else {
                Thread.onSpinWait();
            }
        }
        return target;
    }

    /** A runtime of two loops with the file open, its meters bound or not. */
    @State(Scope.Thread)
    public static class Reactive {
        /** {@code off}: no metrics; {@code on}: {@code Uring.metrics(new SimpleMeterRegistry())}. */
        @Param({"off", "on"})
        public String metrics;
        @SuppressWarnings("NullAway.Init")
        Uring uring;
        @SuppressWarnings("NullAway.Init")
        ReactiveFile file;
        final ByteBuffer[] buffers = new ByteBuffer[READS];
        final long[] offsets = BenchFile.randomOffsets(OFFSETS, 7);
        int next;

        /** Creates and warms the file, starts the runtime, binds its meters for {@code on}, opens the file. */
        @Setup(Level.Trial)
        public void open() throws IOException {
            Path path = BenchFile.ensure();
            BenchFile.warm(path);
            uring = Uring.create(LOOPS);
            if (metrics.equals("on")) {
                uring.metrics(new SimpleMeterRegistry());
            }
            file = Objects.requireNonNull(ReactiveFile.open(uring, path).block(Duration.ofSeconds(30)), "open");
            for (int i = 0; i < READS; i++) {
                buffers[i] = ByteBuffer.allocateDirect(BenchFile.BLOCK);
            }
        }

        /** Closes the file and the runtime. */
        @TearDown(Level.Trial)
        public void close() {
            file.close().block();
            uring.close();
        }
    }

    /** {@value #READS} 4 KiB random reads, one flatMap per loop subscribed on its loop, {@value #DEPTH} in flight. */
    @Benchmark
    @OperationsPerInvocation(READS)
    public long monoPerLoop(Reactive s) throws IOException {
        int base = s.next;
        s.next = (base + READS) & (OFFSETS - 1);
        ReactiveFile file = s.file;
        ByteBuffer[] buffers = s.buffers;
        long[] offsets = s.offsets;
        int loops = s.uring.group().size();
        int share = READS / loops;
        Long shortReads = Flux.range(0, loops)
                .flatMap(l -> Flux.range(l * share, share)
                        .flatMap(i -> file.read(buffers[i].clear(), offsets[(base + i) & (OFFSETS - 1)]), DEPTH / loops)
                        .filter(n -> n != BenchFile.BLOCK)
                        .count()
                        .subscribeOn(s.uring.scheduler()))
                .reduce(0L, Long::sum)
                .block();
        if (shortReads == null || shortReads != 0) {
            throw new IOException(shortReads + " reads came back short");
        }
        return s.next;
    }
}
