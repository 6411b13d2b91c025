package dev.uring.benchmarks;

import dev.uring.core.RingOptions;
import dev.uring.core.loop.Completion;
import dev.uring.core.loop.EventLoop;
import dev.uring.core.loop.EventLoopGroup;
import java.io.IOException;
import java.time.Duration;
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

/**
 * NOP round trips from a caller thread through an {@link EventLoop}: {@code execute} hands a task to
 * the loop (an MPSC array queue plus a MSG_RING wake-up), which {@code register}s a {@link Completion} and preps the
 * NOP with {@code nextSqe()}; the loop submits, reaps, dispatches the CQE, and the completion
 * releases the caller. Next to {@link RingNopBenchmark} this shows the cost of the thread hand-off;
 * {@code c/handoff_bench.c} is the same design in C, its bound.
 *
 * <p>{@code busyPollUs} is the loop's busy poll window ({@link RingOptions#busyPoll}): 0 is the default
 * loop, which sleeps in io_uring_enter as soon as it is idle and is woken by a MSG_RING; 50 is the
 * opt-in {@link EventLoop#LOW_LATENCY_BUSY_POLL}, where the loop polls that long before it sleeps.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class EventLoopNopBenchmark {
    private static final int SPINS_BEFORE_YIELD = 1_000;

    /** The loop's busy poll window in microseconds; 0: none, the default loop. */
    @Param({"0", "50"})
    public int busyPollUs;

    private EventLoop loop;
    /** NOPs completed, published once per batch (as c/handoff_bench.c publishes once per reap). */
    private volatile long completed;
    /** The loop's own count; loop thread only. */
    private long counted;
    private int batch;
    /** Preallocated, so that the benchmark itself allocates nothing per round trip. */
    private final Completion onCqe = (res, flags) -> {
        if (res < 0) {
            throw new IllegalStateException("NOP failed: " + res);
        }
        // not a volatile write per CQE: the caller spins on `completed`, and a write per NOP would
        // move its cache line between the cores 32 times per batch, a cost the C bound does not pay
        if (++counted % batch == 0) {
            completed = counted;
        }
    };
    private final Runnable prepNops = () -> {
        for (int i = 0; i < batch; i++) {
            long ud = loop.register(onCqe);
            loop.nextSqe().prepNop().userData(ud);
        }
    };

    /**
     * Starts one loop with the default options (SINGLE_ISSUER|DEFER_TASKRUN, 256 entries) and the
     * {@link #busyPollUs} window.
     */
    @Setup(Level.Trial)
    public void start() throws IOException {
        RingOptions options = EventLoop.defaultOptions(256).busyPoll(Duration.ofNanos(busyPollUs * 1_000L));
        loop = EventLoop.start(options, EventLoopGroup.daemonThreads("bench-loop"));
    }

    /** Closes the loop. */
    @TearDown(Level.Trial)
    public void stop() {
        loop.close();
    }

    /** One NOP per hand-off: execute, register, nextSqe, submit, CQE dispatch, caller released. */
    @Benchmark
    @OperationsPerInvocation(1)
    public long batch1() {
        return roundTrip(1);
    }

    /** 32 NOPs per hand-off: the same path with the hand-off amortised over 32 SQEs. */
    @Benchmark
    @OperationsPerInvocation(32)
    public long batch32() {
        return roundTrip(32);
    }

    private long roundTrip(int n) {
        long target = completed + n;
        batch = n; // published to the loop by execute's queue hand-off
        loop.execute(prepNops);
        int spins = 0;
        while (completed != target) {
            // spin briefly, then give the core away: on 2 cores the loop thread needs it
            if (++spins > SPINS_BEFORE_YIELD) {
                Thread.yield();
            } else {
                Thread.onSpinWait();
            }
        }
        return target;
    }
}
