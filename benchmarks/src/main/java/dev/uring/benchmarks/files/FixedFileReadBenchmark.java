package dev.uring.benchmarks.files;

import dev.uring.core.AtFlags;
import dev.uring.core.Errors;
import dev.uring.core.OpenFlags;
import dev.uring.core.files.FixedFile;
import dev.uring.core.files.FixedFileTable;
import dev.uring.core.loop.EventLoop;
import dev.uring.core.loop.EventLoopGroup;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
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
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * 4 KiB random reads of a hot (page-cached) file, {@value #DEPTH} in flight on one ring per JMH
 * thread, through a slot of the group's shared {@link FixedFileTable} ({@code IOSQE_FIXED_FILE})
 * against a plain fd (an fd lookup and reference per read). The group has one loop per JMH thread,
 * so {@code -t 2} reads the one shared slot on two rings at once. Each invocation is a batch of
 * {@value #BATCH} reads handed to the thread's loop once; the score is reads per second.
 *
 * <p>File size: {@code -p fileMiB=N} (default 256); the file is written to {@code java.io.tmpdir}
 * and read once in setup so that it is in the page cache.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class FixedFileReadBenchmark {
    static final int BLOCK = 4096;
    static final int DEPTH = 32;
    static final int BATCH = 4096;

    /** Size of the file read, in MiB. */
    @Param("256")
    public int fileMiB;

    private @Nullable Path file;
    private @Nullable EventLoopGroup group;
    private @Nullable FixedFileTable table;
    private @Nullable FixedFile fixed;
    private int plainFd = -1;
    private final AtomicInteger nextLoop = new AtomicInteger();

    /** Writes and warms the file, starts one loop per JMH thread, installs the file once in the shared table. */
    @Setup(Level.Trial)
    public void setUp(BenchmarkParams params) throws Exception {
        Path f = Files.createTempFile("uring-fixed-read", ".bin");
        file = f;
        writeAndWarm(f, (long) fileMiB << 20);
        EventLoopGroup g = EventLoopGroup.create(Math.max(1, params.getThreads()));
        group = g;
        FixedFileTable t = FixedFileTable.create(g, 4, 0).get(10, TimeUnit.SECONDS);
        table = t;
        fixed = t.open(g.get(0), f, OpenFlags.O_RDONLY, 0).get(10, TimeUnit.SECONDS);
        plainFd = openPlain(g.get(0), f);
    }

    private static void writeAndWarm(Path f, long size) throws IOException {
        ByteBuffer chunk = ByteBuffer.allocateDirect(1 << 20);
        SplittableRandom random = new SplittableRandom(42);
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
            for (long written = 0; written < size; written += chunk.capacity()) {
                chunk.clear();
                while (chunk.remaining() >= Long.BYTES) {
                    chunk.putLong(random.nextLong());
                }
                chunk.flip();
                while (chunk.hasRemaining()) {
                    ch.write(chunk);
                }
            }
        }
        // one full read: every block is in the page cache before the first measured read
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ)) {
            chunk.clear();
            while (ch.read(chunk) > 0) {
                chunk.clear();
            }
        }
    }

    /** OPENAT on {@code loop}: a plain fd, usable by every ring. */
    public static int openPlain(EventLoop loop, Path f) throws Exception {
        CompletableFuture<Integer> res = new CompletableFuture<>();
        try (Arena a = Arena.ofShared()) {
            MemorySegment path = a.allocateFrom(f.toString());
            loop.execute(() -> loop.nextSqe().prepOpenat(AtFlags.FDCWD, path, OpenFlags.O_RDONLY | OpenFlags.O_CLOEXEC, 0)
                    .userData(loop.register((r, flags) -> res.complete(r))));
            int fd = res.get(10, TimeUnit.SECONDS);
            if (fd < 0) {
                throw Errors.toException(fd, "OPENAT", f.toString());
            }
            return fd;
        }
    }

    /** CLOSE of a plain fd on {@code loop}, waited for. */
    public static void closePlain(EventLoop loop, int fd) throws Exception {
        CompletableFuture<Integer> closed = new CompletableFuture<>();
        loop.execute(() -> loop.nextSqe().prepClose(fd).userData(loop.register((r, flags) -> closed.complete(r))));
        closed.get(10, TimeUnit.SECONDS);
    }

    /** Releases the slot, closes the table, the plain fd and the group, and deletes the file. */
    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        EventLoopGroup g = group;
        if (fixed != null) {
            fixed.release();
        }
        if (table != null) {
            table.close();
        }
        if (g != null) {
            if (plainFd >= 0) {
                closePlain(g.get(0), plainFd);
            }
            g.close();
        }
        if (file != null) {
            Files.deleteIfExists(file);
        }
    }

    /** One JMH thread's ring (its own loop of the group) and its read batch. */
    @State(Scope.Thread)
    public static class Reader {
        @Nullable ReadBatch batch;

        /** Takes the next loop of the group. */
        @Setup(Level.Trial)
        public void setUp(FixedFileReadBenchmark b) {
            EventLoopGroup g = b.group;
            if (g == null) {
                throw new IllegalStateException("benchmark state not set up");
            }
            int i = b.nextLoop.getAndIncrement();
            batch = new ReadBatch(g.get(i % g.size()), DEPTH, BATCH, BLOCK, (long) b.fileMiB << 20, 0x9E3779B97F4A7C15L * (i + 1));
        }

        /** Frees the batch's buffers (no batch runs between invocations). */
        @TearDown(Level.Trial)
        public void tearDown() {
            if (batch != null) {
                batch.close();
            }
        }

        ReadBatch batch() {
            ReadBatch r = batch;
            if (r == null) {
                throw new IllegalStateException("reader not set up");
            }
            return r;
        }
    }

    /** Reads through the file's slot in the shared table (IOSQE_FIXED_FILE). */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void fixedSlot(Reader r) throws Exception {
        FixedFile f = fixed;
        if (f == null) {
            throw new IllegalStateException("benchmark state not set up");
        }
        r.batch().run(f.slot(), true);
    }

    /** Reads through a plain fd of the same file. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void plainFd(Reader r) throws Exception {
        r.batch().run(plainFd, false);
    }
}
