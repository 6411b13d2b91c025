package dev.uring.core.files;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uring.core.OpenFlags;
import dev.uring.core.SqeFlags;
import dev.uring.core.files.FixedFileTable.Propagation;
import dev.uring.core.loop.EventLoop;
import dev.uring.core.loop.EventLoopGroup;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Many threads open, read on every ring and release files through one shared table, with few
 * slots so that slots are reused all the time. Each file's content names it, so a read through a
 * slot that names another file (a reuse overtaking a clear) is caught. Ops counted: open, each
 * read, release; {@code -During.files.stressOps} changes the total (default 100k).
 */
@Timeout(120)
class SharedTableStressTest {
    private static final int FILES = 32;
    private static final int THREADS = 4;
    private static final int LEN = 16;

    @TempDir
    Path dir;

    @Test
    void concurrentOpenReadReleaseNeverReadsTheWrongFile() throws Exception {
        stress(Propagation.EAGER, Long.getLong("uring.files.stressOps", 100_000));
    }

    @Test
    void lazyInstallsUnderConcurrentReleaseNeverReadTheWrongFile() throws Exception {
        stress(Propagation.LAZY, Long.getLong("uring.files.stressOps", 100_000) / 4);
    }

    private void stress(Propagation propagation, long totalOps) throws Exception {
        Path[] files = new Path[FILES];
        for (int i = 0; i < FILES; i++) {
            files[i] = LoopOps.fileWith(dir, "f" + i, name(i));
        }
        long baseline = LoopOps.fdCount();
        AtomicLong ops = new AtomicLong();
        AtomicLong exhausted = new AtomicLong();
        try (EventLoopGroup group = EventLoopGroup.create(2);
             FixedFileTable table = FixedFileTable.create(group, 16, 0, propagation).get(10, TimeUnit.SECONDS)) {
            int rings = group.size();
            long cycles = totalOps / (2 + rings);
            ExecutorService pool = Executors.newFixedThreadPool(THREADS);
            try {
                List<Future<?>> done = new ArrayList<>();
                for (int t = 0; t < THREADS; t++) {
                    long mine = cycles / THREADS + (t < cycles % THREADS ? 1 : 0);
                    done.add(pool.submit(() -> {
                        run(table, group, files, mine, ops, exhausted, propagation == Propagation.LAZY);
                        return null;
                    }));
                }
                for (Future<?> f : done) {
                    f.get(110, TimeUnit.SECONDS);
                }
            } finally {
                pool.shutdownNow();
            }
            assertThat(LoopOps.eventually(() -> table.slotsInUse() == 0)).isTrue();
            assertThat(table.quarantinedSlots()).isZero();
            assertThat(ops.get()).isEqualTo(cycles * (2 + rings));
        }
        assertThat(LoopOps.fdCount()).isEqualTo(baseline);
        System.out.println("shared-table stress (" + propagation + "): " + ops.get() + " ops, " + exhausted.get() + " exhausted retries");
    }

    private static void run(FixedFileTable table, EventLoopGroup group, Path[] files, long cycles, AtomicLong ops,
            AtomicLong exhausted, boolean lazy) throws Exception {
        ThreadLocalRandom rnd = ThreadLocalRandom.current();
        try (Arena arena = Arena.ofShared()) {
            MemorySegment buf = arena.allocate(LEN);
            for (long c = 0; c < cycles; c++) {
                int id = rnd.nextInt(FILES);
                EventLoop origin = group.get(rnd.nextInt(group.size()));
                FixedFile f = null;
                while (f == null) {
                    try {
                        f = table.open(origin, files[id], OpenFlags.O_RDONLY, 0).get(10, TimeUnit.SECONDS);
                    } catch (IllegalStateException e) {
                        // every slot is briefly held by clears in flight: try again
                        exhausted.incrementAndGet();
                        Thread.yield();
                    }
                }
                ops.incrementAndGet();
                for (EventLoop l : group) {
                    // an op holds a reference from its SQE until its CQE
                    FixedFile held = f.retain();
                    int slot = lazy ? held.on(l).get(10, TimeUnit.SECONDS) : held.slot(l);
                    int n;
                    try {
                        n = LoopOps.await(LoopOps.submit(l, s -> s.prepRead(slot, buf, 0).addFlags(SqeFlags.FIXED_FILE)));
                    } finally {
                        held.release();
                    }
                    String got = n < 0 ? "errno " + -n
                            : new String(buf.asSlice(0, n).toArray(ValueLayout.JAVA_BYTE), StandardCharsets.US_ASCII);
                    if (!got.equals(name(id))) {
                        throw new AssertionError("slot " + slot + " on " + l + " read '" + got + "', expected '" + name(id)
                                + "'");
                    }
                    ops.incrementAndGet();
                }
                f.release();
                ops.incrementAndGet();
            }
        }
    }

    private static String name(int id) {
        return String.format("file-%010d", id);
    }
}
