package dev.uring.core.loop;

import static dev.uring.core.loop.LoopTesting.onLoop;
import static org.assertj.core.api.Assertions.assertThat;

import dev.uring.core.AtFlags;
import dev.uring.core.OpenFlags;
import dev.uring.core.Ring;
import dev.uring.core.RingOptions;
import dev.uring.core.Timespec;
import dev.uring.core.ffi.Errno;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Closing a loop with thousands of ops in flight: every op gets its final CQE once, nothing leaks. */
class EventLoopCloseTest {
    @TempDir
    Path dir;

    private static long fdCount() throws Exception {
        try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
            return s.count();
        }
    }

    /** A FIFO opened O_RDWR: reads on it wait forever. */
    private int openFifo(Ring helper, Arena arena, String name) throws Exception {
        Path p = dir.resolve(name);
        Process proc = new ProcessBuilder("mkfifo", p.toString()).start();
        assertThat(proc.waitFor(10, TimeUnit.SECONDS)).isTrue();
        helper.nextSqe().prepOpenat(AtFlags.FDCWD, arena.allocateFrom(p.toString()),
                OpenFlags.O_RDWR | OpenFlags.O_CLOEXEC, 0).userData(1);
        helper.submitAndWait(1);
        int[] fd = {-1};
        helper.reapCqes((ud, res, f) -> fd[0] = res);
        assertThat(fd[0]).isNotNegative();
        return fd[0];
    }

    private static void closeFd(Ring helper, int fd) throws Exception {
        helper.nextSqe().prepClose(fd).userData(2);
        helper.submitAndWait(1);
        int[] res = {-1};
        helper.reapCqes((ud, r, f) -> res[0] = r);
        assertThat(res[0]).isZero();
    }

    /** Starts a loop, puts {@code ops} reads and long timeouts in flight, closes it, checks every final CQE. */
    private void closeWithOpsInFlight(int ops, Ring helper, Arena arena, int fifoFd) throws Exception {
        AtomicIntegerArray finals = new AtomicIntegerArray(ops);
        AtomicIntegerArray results = new AtomicIntegerArray(ops);
        AtomicInteger calls = new AtomicInteger();
        MemorySegment bufs = arena.allocate(ops);
        MemorySegment ts = Timespec.allocate(arena, Duration.ofHours(1));
        AtomicReference<Ring> ringRef = new AtomicReference<>();
        EventLoop loop = LoopTesting.start(256);
        int batch = 500;
        for (int from = 0; from < ops; from += batch) {
            int start = from;
            loop.execute(() -> {
                ringRef.set(loop.ring());
                for (int i = start; i < Math.min(ops, start + batch); i++) {
                    int id = i;
                    Completion c = (res, flags) -> {
                        calls.incrementAndGet();
                        results.set(id, res);
                        finals.incrementAndGet(id);
                    };
                    if (i % 2 == 0) {
                        loop.nextSqe().prepRead(fifoFd, bufs.asSlice(i, 1), -1).userData(loop.register(c));
                    } else {
                        loop.nextSqe().prepTimeout(ts, 0, 0).userData(loop.register(c));
                    }
                }
            });
        }
        assertThat(onLoop(loop, loop::pendingOps)).isEqualTo(ops);
        assertThat(onLoop(loop, () -> ringRef.get().sqReady())).isLessThanOrEqualTo(ringRef.get().sqEntries());
        long t0 = System.nanoTime();
        loop.close();
        assertThat(loop.awaitTermination(0, TimeUnit.SECONDS)).isTrue();
        assertThat(System.nanoTime() - t0).as("close() is bounded by its 5 s timeout").isLessThan(TimeUnit.SECONDS.toNanos(30));
        assertThat(ringRef.get().isClosed()).isTrue();
        assertThat(calls.get()).isEqualTo(ops);
        for (int i = 0; i < ops; i++) {
            if (finals.get(i) != 1) {
                throw new AssertionError("op " + i + " got " + finals.get(i) + " final CQEs");
            }
            int res = results.get(i);
            if (res != -Errno.ECANCELED && res != -Errno.EINTR) {
                throw new AssertionError("op " + i + " ended with " + res + ", not -ECANCELED");
            }
        }
    }

    @Test
    @Timeout(120)
    void closeWithTenThousandOpsInFlightDeliversEveryFinalCqeOnceAndLeaksNoFd() throws Exception {
        long before = fdCount();
        try (Ring helper = Ring.open(RingOptions.defaults().entries(4).setupHooks(false)); Arena arena = Arena.ofShared()) {
            int fifo = openFifo(helper, arena, "fifo");
            closeWithOpsInFlight(10_000, helper, arena, fifo);
            closeFd(helper, fifo);
        }
        assertThat(fdCount()).isEqualTo(before);
    }

    @Test
    @Timeout(120)
    void repeatedOpenAndCloseCyclesKeepTheFdCountFlat() throws Exception {
        try (Ring helper = Ring.open(RingOptions.defaults().entries(4).setupHooks(false)); Arena arena = Arena.ofShared()) {
            int fifo = openFifo(helper, arena, "fifo");
            closeWithOpsInFlight(500, helper, arena, fifo); // warm-up: the JDK's own lazily opened fds
            long before = fdCount();
            for (int cycle = 0; cycle < 5; cycle++) {
                closeWithOpsInFlight(2_000, helper, arena, fifo);
                assertThat(fdCount()).as("fds after cycle %d", cycle).isEqualTo(before);
            }
            closeFd(helper, fifo);
        }
    }

    @Test
    @Timeout(60)
    void closeOfAnIdleLoopReturnsAndClosesItsRing() throws Exception {
        long before = fdCount();
        EventLoop loop = LoopTesting.start(8);
        Ring ring = onLoop(loop, loop::ring);
        loop.close();
        assertThat(ring.isClosed()).isTrue();
        assertThat(fdCount()).isEqualTo(before);
    }
}
