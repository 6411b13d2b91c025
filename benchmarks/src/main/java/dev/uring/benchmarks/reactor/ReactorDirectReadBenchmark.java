package dev.uring.benchmarks.reactor;

import com.sun.nio.file.ExtendedOpenOption;
import dev.uring.benchmarks.BenchFile;
import dev.uring.benchmarks.DirectIo;
import dev.uring.reactor.file.ReactiveFile;
import dev.uring.reactor.Uring;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Objects;
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
 * 4 KiB O_DIRECT random reads of the 1 GiB {@link BenchFile}, {@value #DEPTH} in flight: the Mono path
 * ({@link ReactorRandomReadBenchmark#perLoop}: one flatMap per loop of a {@code Uring.create(2)}) against
 * {@value #DEPTH} virtual threads doing blocking {@code FileChannel} reads opened with
 * {@link ExtendedOpenOption#DIRECT}. Every read waits for the device, so throughput is the disk's on
 * both sides; what differs is the CPU each read costs (the JMH CpuProfiler's {@code cpu.time.norm}):
 * a thread per read parks and unparks a virtual thread and blocks a carrier in pread, a Mono per read
 * is one SQE and one CQE on a loop.
 *
 * <p>ReactiveFile.open has no O_DIRECT option: the state opens the file through the ring, then turns
 * O_DIRECT on for its fd with fcntl ({@link DirectIo}), which gives the open file the same flags as an
 * open with O_DIRECT. Buffers are 4096-aligned on both sides.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow"})
public class ReactorDirectReadBenchmark {
    /** Reads in flight in total on both sides. */
    static final int DEPTH = ReactorRandomReadBenchmark.DEPTH;
    /** Reads per invocation (the device does about 70 k/s here: about 3.5 ms per invocation). */
    static final int READS = 256;

    /** A Uring of 2 loops and the file opened through it, then switched to O_DIRECT. */
    @State(Scope.Thread)
    public static class Reactive {
        @SuppressWarnings("NullAway.Init")
        Uring uring;
        @SuppressWarnings("NullAway.Init")
        ReactiveFile file;
        final ByteBuffer[] buffers = new ByteBuffer[READS];
        final long[] offsets = BenchFile.randomOffsets(BenchFile.OFFSETS, 7);
        int next;

        /** Starts the loops, opens the file on them and sets O_DIRECT on its fd. */
        @Setup(Level.Trial)
        public void open() throws IOException {
            Path path = BenchFile.ensure();
            uring = Uring.create(ReactorRandomReadBenchmark.LOOPS);
            file = Objects.requireNonNull(ReactiveFile.open(uring, path).block(), "open");
            DirectIo.setOnOpenFds(path);
            for (int i = 0; i < READS; i++) {
                buffers[i] = ByteBuffer.allocateDirect(2 * BenchFile.BLOCK).alignedSlice(BenchFile.BLOCK);
            }
        }

        /** Closes the file and the loops. */
        @TearDown(Level.Trial)
        public void close() {
            file.close().block();
            uring.close();
        }
    }

    /** The blocking peer: a FileChannel opened with ExtendedOpenOption.DIRECT. */
    @State(Scope.Thread)
    public static class Blocking {
        @SuppressWarnings("NullAway.Init")
        BlockingReads reads;

        /** Opens the file with O_DIRECT. */
        @Setup(Level.Trial)
        public void open() throws IOException {
            reads = new BlockingReads(BenchFile.ensure(), READS, DEPTH, ExtendedOpenOption.DIRECT);
        }

        /** Closes the channel. */
        @TearDown(Level.Trial)
        public void close() throws IOException {
            reads.close();
        }
    }

    /** {@value #READS} O_DIRECT reads as Monos, one flatMap per loop, {@value #DEPTH} in flight. */
    @Benchmark
    @OperationsPerInvocation(READS)
    public int monoPerLoop(Reactive s) throws IOException {
        int base = s.next;
        s.next = (base + READS) & (BenchFile.OFFSETS - 1);
        ReactorRandomReadBenchmark.perLoop(s.uring, s.file, s.buffers, s.offsets, base);
        return s.next;
    }

    /** {@value #READS} O_DIRECT reads on {@value #DEPTH} virtual threads, blocking FileChannel reads. */
    @Benchmark
    @OperationsPerInvocation(READS)
    public int virtualThreads(Blocking s) throws IOException, InterruptedException {
        return s.reads.virtualThreads();
    }
}
