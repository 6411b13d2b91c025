package dev.uring.benchmarks;

import java.lang.management.ManagementFactory;
import java.util.Collection;
import java.util.List;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;
import org.openjdk.jmh.runner.IterationType;

/**
 * CPU per operation of a JMH fork: user + system CPU time of the whole process (every thread: the
 * benchmark threads, event loops, thread pools, GC and JIT) over one measurement iteration, divided by
 * the operations that iteration did ({@code @OperationsPerInvocation} counted). Reported as the
 * secondary result {@value #LABEL} in microseconds per op, next to {@code -prof gc}'s
 * {@code gc.alloc.rate.norm}. Used as {@code -prof dev.uring.benchmarks.CpuProfiler}
 * ({@code bench-lib.sh}'s {@code jmh_round} adds it to every run).
 *
 * <p>The process CPU time comes from {@code com.sun.management.OperatingSystemMXBean#getProcessCpuTime}
 * (getrusage of the process on Linux).
 */
public final class CpuProfiler implements InternalProfiler {
    /** The label of the secondary result. */
    public static final String LABEL = "cpu.time.norm";
    private final com.sun.management.OperatingSystemMXBean os =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private long cpuBefore;

    /** JMH instantiates profilers named by class with this constructor. */
    public CpuProfiler() {
    }

    @Override
    public String getDescription() {
        return "process user+system CPU time per operation (us/op)";
    }

    @Override
    public void beforeIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams) {
        cpuBefore = os.getProcessCpuTime();
    }

    @Override
    public Collection<? extends Result> afterIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams,
                                                        IterationResult result) {
        long cpu = os.getProcessCpuTime() - cpuBefore;
        long ops = result.getMetadata().getAllOps();
        if (iterationParams.getType() != IterationType.MEASUREMENT || cpu < 0 || ops <= 0) {
            return List.of();
        }
        return List.of(new ScalarResult(LABEL, cpu / 1e3 / ops, "us/op", AggregationPolicy.AVG));
    }
}
