package dev.uring.benchmarks;

import dev.uring.core.OpenFlags;
import java.io.IOException;
import java.nio.file.Path;
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
 * 4 KiB random reads of the 1 GiB {@link BenchFile} at depth 32 on one core {@link dev.uring.core.Ring}
 * (see {@link ReadPipeline}), buffered with the file hot in the page cache, and with O_DIRECT. The
 * score is reads per second (IOPS), the figure fio's io_uring engine reports for the same job.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class RingRandomReadBenchmark {
    /** READs kept in flight. */
    static final int DEPTH = 32;
    /** READs per benchmark invocation: enough that one invocation spans many refills. */
    static final int READS = 256;

    /** A pipeline over the buffered file, which setup reads through once to make it hot. */
    @State(Scope.Thread)
    public static class Hot {
        ReadPipeline pipeline;

        /** Creates and warms the file, then starts the pipeline. */
        @Setup(Level.Trial)
        public void start() throws IOException {
            Path file = BenchFile.ensure();
            BenchFile.warm(file);
            pipeline = new ReadPipeline(file, DEPTH, 0);
        }

        /** Drains and closes the pipeline. */
        @TearDown(Level.Trial)
        public void stop() throws IOException {
            pipeline.close();
        }
    }

    /** A pipeline over the hot file with its fd and buffers registered (fixed file, fixed buffers). */
    @State(Scope.Thread)
    public static class HotRegistered {
        ReadPipeline pipeline;

        /** Creates and warms the file, then starts the pipeline with the fd and buffers registered. */
        @Setup(Level.Trial)
        public void start() throws IOException {
            Path file = BenchFile.ensure();
            BenchFile.warm(file);
            pipeline = new ReadPipeline(file, DEPTH, 0, true);
        }

        /** Drains and closes the pipeline. */
        @TearDown(Level.Trial)
        public void stop() throws IOException {
            pipeline.close();
        }
    }

    /** A pipeline over the file opened with O_DIRECT (4096-aligned buffers, no page cache). */
    @State(Scope.Thread)
    public static class Direct {
        ReadPipeline pipeline;

        /** Creates the file when missing, then starts the pipeline. */
        @Setup(Level.Trial)
        public void start() throws IOException {
            pipeline = new ReadPipeline(BenchFile.ensure(), DEPTH, OpenFlags.O_DIRECT);
        }

        /** Drains and closes the pipeline. */
        @TearDown(Level.Trial)
        public void stop() throws IOException {
            pipeline.close();
        }
    }

    /** Buffered 4 KiB random reads of the hot file, 32 in flight: IOPS of the ring from the page cache. */
    @Benchmark
    @OperationsPerInvocation(READS)
    public long hot(Hot state) throws IOException {
        return state.pipeline.run(READS);
    }

    /**
     * Buffered 4 KiB random reads of the hot file, 32 in flight, through a registered fd (fixed-file
     * slot) into registered buffers (READ_FIXED): the peer of fio's {@code registerfiles=1 fixedbufs=1}.
     */
    @Benchmark
    @OperationsPerInvocation(READS)
    public long hotRegistered(HotRegistered state) throws IOException {
        return state.pipeline.run(READS);
    }

    /**
     * O_DIRECT 4 KiB random reads, 32 in flight, sleeping in io_uring_enter until a CQE arrives:
     * IOPS of the ring against the device, with the core free while the device works. The peer of fio
     * tuned ({@code iodepth_batch_*}), which also sleeps for a completion.
     */
    @Benchmark
    @OperationsPerInvocation(READS)
    public long direct(Direct state) throws IOException {
        return state.pipeline.run(READS);
    }

    /**
     * O_DIRECT 4 KiB random reads, 32 in flight, busy-polling the CQ as fio 3.33 does with its defaults
     * (it never sleeps then): shown for information next to the sleeping variant.
     */
    @Benchmark
    @OperationsPerInvocation(READS)
    public long directBusyPoll(Direct state) throws IOException {
        return state.pipeline.runBusyPoll(READS);
    }
}
