package dev.uring.benchmarks.reactor;

import dev.uring.benchmarks.BenchFile;
import dev.uring.reactor.Uring;
import dev.uring.reactor.file.ReactiveFile;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;

/**
 * The whole hot 1 GiB {@link BenchFile}, read in order in {@value #CHUNK}-byte chunks and counted
 * (one operation = one whole file): {@link ReactiveFile#readAll(int, int)} with {@value #DEPTH}
 * reads ahead against Spring's {@code DataBufferUtils.read(Path, DataBufferFactory, int)}, which
 * reads through an AsynchronousFileChannel one chunk at a time; its buffers are released as
 * counted. Both hand out heap buffers.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow"})
public class ReactorSequentialReadBenchmark {
    /** Bytes per chunk, for both sides. */
    static final int CHUNK = ReactiveFile.DEFAULT_CHUNK;
    /** Reads ahead of readAll (its default). */
    static final int DEPTH = ReactiveFile.DEFAULT_DEPTH;

    /** The warmed file, a Uring of {@link ReactorRandomReadBenchmark#LOOPS} loops, and the file opened on it. */
    @State(Scope.Thread)
    public static class Files {
        @SuppressWarnings("NullAway.Init")
        Path path;
        @SuppressWarnings("NullAway.Init")
        Uring uring;
        @SuppressWarnings("NullAway.Init")
        ReactiveFile file;
        final DefaultDataBufferFactory factory = DefaultDataBufferFactory.sharedInstance;

        /** Creates and warms the file, starts the loops and opens the file on them. */
        @Setup(Level.Trial)
        public void open() throws IOException {
            path = BenchFile.ensure();
            BenchFile.warm(path);
            uring = Uring.create(ReactorRandomReadBenchmark.LOOPS);
            file = Objects.requireNonNull(ReactiveFile.open(uring, path).block(), "open");
        }

        /** Closes the file and the loops. */
        @TearDown(Level.Trial)
        public void close() {
            file.close().block();
            uring.close();
        }
    }

    private static long check(@org.jspecify.annotations.Nullable Long bytes) throws IOException {
        if (bytes == null || bytes != BenchFile.SIZE) {
            throw new IOException("read " + bytes + " bytes, expected " + BenchFile.SIZE);
        }
        return bytes;
    }

    /** ReactiveFile.readAll(CHUNK, DEPTH) over the whole file, bytes counted. */
    @Benchmark
    public long readAll(Files s) throws IOException {
        return check(s.file.readAll(CHUNK, DEPTH)
                .reduce(0L, (sum, b) -> sum + b.remaining())
                .block());
    }

    /** DataBufferUtils.read(path, factory, CHUNK) over the whole file, bytes counted, buffers released. */
    @Benchmark
    public long springDataBufferUtils(Files s) throws IOException {
        return check(DataBufferUtils.read(s.path, s.factory, CHUNK)
                .reduce(0L, (sum, b) -> {
                    long n = sum + b.readableByteCount();
                    DataBufferUtils.release(b);
                    return n;
                })
                .block());
    }
}
