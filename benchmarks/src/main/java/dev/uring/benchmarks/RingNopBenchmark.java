package dev.uring.benchmarks;

import dev.uring.core.CqeConsumer;
import dev.uring.core.Ring;
import dev.uring.core.RingOptions;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
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

/**
 * NOP round trips through the core {@link Ring}: prepare N NOPs, {@code submitAndWait(N)}, reap the N
 * CQEs. The score is NOPs per second (one JMH operation is one NOP), the figure
 * {@code c/nop_bench.c} prints for liburing with the same ring setup (64 entries, no setup flags,
 * the ring fd registered).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class RingNopBenchmark {
    private static final int ENTRIES = 64;

    private Ring ring;
    private final CqeCounter counter = new CqeCounter();

    /**
     * Opens a plain ring (no setup flags, like liburing's {@code io_uring_queue_init(64, &ring, 0)})
     * on the benchmark thread and registers its fd, as {@code c/nop_bench.c} does with
     * {@code io_uring_register_ring_fd}: both sides enter the ring without an fd lookup.
     */
    @Setup(Level.Trial)
    public void open() throws IOException {
        ring = Ring.open(RingOptions.defaults().entries(ENTRIES).registerRingFd(true));
    }

    /** Closes the ring. */
    @TearDown(Level.Trial)
    public void close() {
        ring.close();
    }

    /** One NOP per io_uring_enter: the full per-syscall cost of a round trip. */
    @Benchmark
    @OperationsPerInvocation(1)
    public int batch1() throws IOException {
        return roundTrip(1);
    }

    /** 32 NOPs per io_uring_enter: the per-SQE cost once the syscall is amortised. */
    @Benchmark
    @OperationsPerInvocation(32)
    public int batch32() throws IOException {
        return roundTrip(32);
    }

    private int roundTrip(int n) throws IOException {
        Ring r = ring;
        for (int i = 0; i < n; i++) {
            r.nextSqe().prepNop().userData(i);
        }
        r.submitAndWait(n);
        int reaped = r.reapCqes(counter);
        if (reaped != n) {
            throw new IllegalStateException("expected " + n + " NOP completions, reaped " + reaped);
        }
        return counter.errors;
    }

    /** Counts failed CQEs; a reused instance, so reaping allocates nothing. */
    static final class CqeCounter implements CqeConsumer {
        int errors;

        @Override
        public void accept(long userData, int res, int flags) {
            if (res < 0) {
                errors++;
            }
        }
    }
}
