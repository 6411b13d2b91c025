package dev.uring.benchmarks.files;

import dev.uring.core.OpenFlags;
import dev.uring.core.files.FixedFile;
import dev.uring.core.files.FixedFileTable;
import dev.uring.core.loop.EventLoopGroup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * Latency of putting one file into a {@link FixedFileTable} shared by {@code rings} rings: OPENAT
 * direct on ring 0, then MSG_RING SEND_FD to every other ring, until the install future completes
 * (eager propagation: the file is usable on every ring) and the caller has woken up.
 * {@code install} times only that and releases the file outside the timed part, waiting until
 * every ring has cleared the slot; {@code installAndRelease} times the pair: install, release, and
 * the clear confirmed by every ring. More rings than cores is fine: idle loops only sleep.
 * Measures one install at a time: run it with one JMH thread.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class InstallPropagationBenchmark {
    private static final long TIMEOUT_SECONDS = 10;

    /** Rings in the group, all sharing the table. */
    @Param({"1", "2", "4", "8", "16"})
    public int rings;

    private @Nullable Path file;
    private @Nullable EventLoopGroup group;
    private @Nullable FixedFileTable table;

    /** Starts the group and its table; writes the small file that every install opens. */
    @Setup(Level.Trial)
    public void setUp(BenchmarkParams params) throws Exception {
        if (params.getThreads() != 1) {
            throw new IllegalArgumentException("InstallPropagationBenchmark measures one install at a time: run it"
                    + " with -t 1, not " + params.getThreads() + " threads");
        }
        Path f = Files.createTempFile("uring-install", ".txt");
        Files.writeString(f, "installed once, on every ring\n");
        file = f;
        EventLoopGroup g = EventLoopGroup.create(rings);
        group = g;
        table = FixedFileTable.create(g, 8, 0).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }

    /** Closes the table, then the group; deletes the file. */
    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        if (table != null) {
            table.close();
        }
        if (group != null) {
            group.close();
        }
        if (file != null) {
            Files.deleteIfExists(file);
        }
    }

    /** The file installed by the last {@link #install} call, released after the timed part. */
    @State(Scope.Thread)
    public static class Installed {
        @Nullable FixedFile file;
        @Nullable FixedFileTable table;

        /** Releases the file and waits until every ring has cleared its slot (not timed). */
        @TearDown(Level.Invocation)
        public void release() throws Exception {
            FixedFile f = file;
            FixedFileTable t = table;
            file = null;
            if (f != null && t != null) {
                f.release();
                awaitCleared(t);
            }
        }
    }

    /** Install on every ring, until the future completed; release untimed. */
    @Benchmark
    public FixedFile install(Installed h) throws Exception {
        FixedFileTable t = table();
        FixedFile f = open(t);
        h.file = f;
        h.table = t;
        return f;
    }

    /** Install on every ring, then release until every ring confirmed the clear: the pair, timed. */
    @Benchmark
    public int installAndRelease() throws Exception {
        FixedFileTable t = table();
        FixedFile f = open(t);
        int slot = f.slot();
        f.release();
        awaitCleared(t);
        return slot;
    }

    private FixedFile open(FixedFileTable t) throws Exception {
        Path f = file;
        EventLoopGroup g = group;
        if (f == null || g == null) {
            throw new IllegalStateException("benchmark state not set up");
        }
        return t.open(g.get(0), f, OpenFlags.O_RDONLY, 0).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }

    private FixedFileTable table() {
        FixedFileTable t = table;
        if (t == null) {
            throw new IllegalStateException("benchmark state not set up");
        }
        return t;
    }

    /** Spins (yielding: the loops need the cores) until no group slot is in use, bounded. */
    static void awaitCleared(FixedFileTable t) throws TimeoutException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
        while (t.slotsInUse() != 0) {
            if (System.nanoTime() - deadline > 0) {
                throw new TimeoutException(t.slotsInUse() + " slots still not cleared on every ring after "
                        + TIMEOUT_SECONDS + " s");
            }
            Thread.yield();
        }
    }
}
