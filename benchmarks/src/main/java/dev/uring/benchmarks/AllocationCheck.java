package dev.uring.benchmarks;

import dev.uring.core.OpenFlags;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;

/**
 * Exact allocation of the core NOP and read loops, on the calling thread only: JMH's
 * {@code -prof gc} counts every thread of the fork (its own bookkeeping included), so a loop that
 * allocates nothing still shows a fraction of a byte per op there. This runs each loop until the
 * JIT has compiled it, then reads the thread's allocation counter around a measured stretch and
 * prints one line per loop: {@code alloc <name> <bytes per op>}.
 */
public final class AllocationCheck {
    private static final int WARMUP_ROUNDS = 5;

    private AllocationCheck() {
    }

    /** Measures the loops and exits non-zero when one allocates. */
    public static void main(String[] args) throws IOException {
        Path file = BenchFile.ensure();
        BenchFile.warm(file);
        boolean allocates = false;
        RingNopBenchmark nop = new RingNopBenchmark();
        nop.open();
        try {
            allocates |= report("RingNopBenchmark.batch1", 200_000, ops -> {
                for (long i = 0; i < ops; i++) {
                    nop.batch1();
                }
            });
            allocates |= report("RingNopBenchmark.batch32", 200_000, ops -> {
                for (long i = 0; i < ops / 32; i++) {
                    nop.batch32();
                }
            });
        } finally {
            nop.close();
        }
        try (ReadPipeline hot = new ReadPipeline(file, RingRandomReadBenchmark.DEPTH, 0)) {
            allocates |= report("RingRandomReadBenchmark.hot", 200_000, hot::run);
        }
        try (ReadPipeline direct = new ReadPipeline(file, RingRandomReadBenchmark.DEPTH, OpenFlags.O_DIRECT)) {
            allocates |= report("RingRandomReadBenchmark.direct", 20_000, direct::run);
            allocates |= report("RingRandomReadBenchmark.directBusyPoll", 20_000, direct::runBusyPoll);
        }
        System.exit(allocates ? 1 : 0);
    }

    /** A loop of {@code ops} operations. */
    @FunctionalInterface
    private interface Loop {
        void run(long ops) throws IOException;
    }

    private static boolean report(String name, long ops, Loop loop) throws IOException {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        for (int i = 0; i < WARMUP_ROUNDS; i++) {
            loop.run(ops);
        }
        long before = threads.getCurrentThreadAllocatedBytes();
        loop.run(ops);
        long bytes = threads.getCurrentThreadAllocatedBytes() - before;
        System.out.printf("alloc %s %.4f%n", name, (double) bytes / ops);
        return bytes != 0;
    }
}
