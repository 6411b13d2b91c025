package dev.uring.benchmarks.reactor;

import dev.uring.benchmarks.BenchFile;
import dev.uring.reactor.Uring;
import dev.uring.reactor.file.ReactiveFile;
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
import reactor.core.publisher.Flux;

/**
 * Whether {@link Uring#fixedFiles(int)} pays: the same 4 KiB random Mono reads of the hot 1 GiB
 * {@link BenchFile} on {@value #LOOPS} loops, shaped as {@link ReactorRandomReadBenchmark#monoPerLoop}
 * (one flatMap per loop, {@value #DEPTH} in flight in all), once by the file's plain fd and once by
 * its slot in the runtime's shared fixed-file table (IOSQE_FIXED_FILE, no fd lookup and file
 * reference per READ). The option stays off by default unless {@link #fixedSlotRead} beats
 * {@link #plainFdRead}.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow"})
public class ReactorFixedSlotReadBenchmark {
    static final int DEPTH = 32;
    static final int LOOPS = 2;
    static final int READS = 1024;
    private static final int OFFSETS = 1 << 16;

    /** A runtime, the file opened on it, and a direct 4 KiB buffer per read of an invocation. */
    abstract static class Opened {
        @SuppressWarnings("NullAway.Init")
        Uring uring;
        @SuppressWarnings("NullAway.Init")
        ReactiveFile file;
        final ByteBuffer[] buffers = new ByteBuffer[READS];
        final long[] offsets = BenchFile.randomOffsets(OFFSETS, 7);
        int next;

        abstract Uring runtime() throws IOException;

        void open() throws IOException {
            Path path = BenchFile.ensure();
            BenchFile.warm(path);
            uring = runtime();
            file = Objects.requireNonNull(ReactiveFile.open(uring, path).block(), "open");
            for (int i = 0; i < READS; i++) {
                buffers[i] = ByteBuffer.allocateDirect(BenchFile.BLOCK);
            }
        }

        void close() {
            file.close().block();
            uring.close();
        }
    }

    /** Plain fds: the runtime as created (fixed files off, the default). */
    @State(Scope.Thread)
    public static class Plain extends Opened {
        @Override
        Uring runtime() throws IOException {
            return Uring.create(LOOPS);
        }

        /** Creates and warms the file, starts the loops, opens the file. */
        @Setup(Level.Trial)
        public void setUp() throws IOException {
            open();
        }

        /** Closes the file and the loops. */
        @TearDown(Level.Trial)
        public void tearDown() {
            close();
        }
    }

    /** Fixed slots: the runtime with a shared fixed-file table; the file is installed before measuring. */
    @State(Scope.Thread)
    public static class Fixed extends Opened {
        @Override
        Uring runtime() throws IOException {
            return Uring.create(LOOPS).fixedFiles(16);
        }

        /** As {@link Plain}, then two reads to install the file and a wait for its slot. */
        @Setup(Level.Trial)
        public void setUp() throws IOException, InterruptedException {
            open();
            file.read(0, 1).block();
            file.read(0, 1).block();
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (file.fixedSlot() < 0) {
                if (System.nanoTime() > end) {
                    throw new IOException("the file got no fixed slot (see the log)");
                }
                Thread.sleep(1);
            }
        }

        /** Closes the file and the loops. */
        @TearDown(Level.Trial)
        public void tearDown() {
            close();
        }
    }

    private static long reads(Opened s) throws IOException {
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

    /** {@value #READS} reads per invocation by the file's fd. */
    @Benchmark
    @OperationsPerInvocation(READS)
    public long plainFdRead(Plain s) throws IOException {
        return reads(s);
    }

    /** The same reads by the file's fixed slot on each loop's ring. */
    @Benchmark
    @OperationsPerInvocation(READS)
    public long fixedSlotRead(Fixed s) throws IOException {
        return reads(s);
    }
}
