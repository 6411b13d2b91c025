package dev.uring.benchmarks.policy;

import dev.uring.core.AtFlags;
import dev.uring.core.CqeConsumer;
import dev.uring.core.OpenFlags;
import dev.uring.core.Ring;
import dev.uring.core.RingOptions;
import dev.uring.policy.PolicyCustomizer;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The kernel-only policy against none inside one JVM: each invocation runs one batch of 32 on a ring
 * without a policy and one on a ring with the kernel's restrictions, in alternating order, and adds
 * each batch's wall time to its side's counter. Forks of {@link PolicyOverheadBenchmark} differ by up
 * to 20 % from one another for the same side (JIT and memory layout), more than the 2 % under test;
 * here both sides share the fork, its JIT profile and the machine's state of the moment.
 * Throughput ratio kernel/none = {@code noneNanos / kernelNanos}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class PairedPolicyBenchmark {
    private static final int DEPTH = 32;
    private static final int BLOCK = 4096;
    private static final long FILE_SIZE = 64L << 20;

    /** The batch: 32 NOPs, or 32 hot 4 KiB reads at consecutive offsets. */
    @Param({"nop", "read"})
    public String op;

    private Side none;
    private Side kernel;
    private Path file;
    private boolean kernelFirst;

    /** Wall nanoseconds spent in each side's batches during an iteration (reset per iteration). */
    @AuxCounters(AuxCounters.Type.EVENTS)
    @State(Scope.Thread)
    public static class Nanos {
        /** Nanoseconds in the batches of the ring without a policy. */
        public long noneNanos;
        /** Nanoseconds in the batches of the ring with the kernel-only policy. */
        public long kernelNanos;

        /** Starts an iteration at zero. */
        @Setup(Level.Iteration)
        public void reset() {
            noneNanos = 0;
            kernelNanos = 0;
        }
    }

    /** One ring, the file opened on it and its read buffers. */
    private static final class Side implements CqeConsumer {
        final Ring ring;
        final Arena arena = Arena.ofShared();
        final MemorySegment[] buffers = new MemorySegment[DEPTH];
        final int fd;
        long offset;
        int seen;

        Side(RingOptions options, Path file) throws IOException {
            ring = Ring.open(options);
            for (int i = 0; i < DEPTH; i++) {
                buffers[i] = arena.allocate(BLOCK, BLOCK);
            }
            ring.nextSqe().prepOpenat(AtFlags.FDCWD, arena.allocateFrom(file.toString()), OpenFlags.O_RDONLY, 0)
                    .userData(0);
            ring.submitAndWait(1);
            int[] res = {0};
            while (ring.reapCqes((ud, r, f) -> res[0] = r) == 0) {
                ring.submitAndWait(1);
            }
            if (res[0] < 0) {
                throw new IOException("OPENAT failed with errno " + -res[0]);
            }
            fd = res[0];
        }

        @Override
        public void accept(long userData, int res, int flags) {
            if (res < 0) {
                throw new IllegalStateException("CQE " + userData + " failed with " + res);
            }
            seen++;
        }

        void batch(boolean read) throws IOException {
            Ring r = ring;
            if (read) {
                long o = offset;
                for (int i = 0; i < DEPTH; i++) {
                    r.nextSqe().prepRead(fd, buffers[i], o).userData(i);
                    o += BLOCK;
                }
                offset = o >= FILE_SIZE ? 0 : o;
            } else {
                for (int i = 0; i < DEPTH; i++) {
                    r.nextSqe().prepNop().userData(i);
                }
            }
            int submitted = r.submitAndWait(DEPTH);
            seen = 0;
            while (seen < submitted) {
                if (r.reapCqes(this) == 0) {
                    r.submitAndWait(1);
                }
            }
        }

        void close() {
            try {
                ring.close();
            } finally {
                arena.close();
            }
        }
    }

    /** Both rings (one without a policy, one with the kernel-only policy) and a hot 64 MiB file. */
    @Setup(Level.Trial)
    public void setUp() throws IOException {
        file = Files.createTempFile("paired-policy", ".dat");
        byte[] chunk = new byte[1 << 20];
        Arrays.fill(chunk, (byte) 'x');
        try (OutputStream out = Files.newOutputStream(file)) {
            for (long w = 0; w < FILE_SIZE; w += chunk.length) {
                out.write(chunk);
            }
        }
        RingOptions options = RingOptions.defaults().entries(2 * DEPTH).setupHooks(false);
        none = new Side(options, file);
        kernel = new Side(options.customizer(PolicyCustomizer.of(PolicyOverheadBenchmark.policy("kernel"))), file);
        for (long o = 0; o < FILE_SIZE; o += (long) BLOCK * DEPTH) {
            none.batch(true); // every page in the page cache
        }
    }

    /** Closes both rings and deletes the file. */
    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        try {
            none.close();
            kernel.close();
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /** One batch on each ring, the order alternating, each timed into its side's counter. */
    @Benchmark
    public void paired(Nanos n) throws IOException {
        boolean read = op.equals("read");
        boolean k = kernelFirst;
        kernelFirst = !k;
        long t0 = System.nanoTime();
        (k ? kernel : none).batch(read);
        long t1 = System.nanoTime();
        (k ? none : kernel).batch(read);
        long t2 = System.nanoTime();
        if (k) {
            n.kernelNanos += t1 - t0;
            n.noneNanos += t2 - t1;
        } else {
            n.noneNanos += t1 - t0;
            n.kernelNanos += t2 - t1;
        }
    }
}
