package dev.uring.core.loop;

import static dev.uring.core.loop.LoopTesting.onLoop;
import static org.assertj.core.api.Assertions.assertThat;

import dev.uring.core.Invariants;
import dev.uring.core.SqeFlags;
import dev.uring.core.Timespec;
import dev.uring.core.ffi.Errno;
import dev.uring.core.ffi.Native;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Stress on one event loop, against the real kernel: a cancellation storm (NOPs, timeouts that
 * fire, timeouts and polls cancelled at once or a batch later, polls cut short by a LINK_TIMEOUT)
 * and CQ overflow bursts (far more completions in one loop pass than the CQ holds). After each,
 * every op has had exactly one final CQE with the result its kind implies, no pending-op slot is
 * held, and the fds and ring mappings are back to where they were.
 */
@Timeout(value = 20, unit = TimeUnit.MINUTES)
class LoopStormTest {
    private static final int ETIME = Errno.ETIME;

    private enum Kind { NOP, TIMEOUT_FIRES, TIMEOUT_CANCELLED_NOW, TIMEOUT_CANCELLED_LATER, POLL_CANCELLED, POLL_LINK_TIMEOUT }

    @Test
    void cancellationStormLosesNoCompletionAndLeaksNoSlot() throws Exception {
        int ops = Invariants.scale(100_000, 1_000_000);
        int batch = 512;
        Invariants.Baseline before = Invariants.baseline();
        int eventFd = Native.eventfd(0, Native.EFD_CLOEXEC | Native.EFD_NONBLOCK);
        assertThat(eventFd).isNotNegative();
        SplittableRandom rnd = new SplittableRandom(0x570E);
        Kind[] kinds = new Kind[ops];
        for (int i = 0; i < ops; i++) {
            kinds[i] = Kind.values()[rnd.nextInt(Kind.values().length)];
        }
        int[] finals = new int[ops];
        int[] results = new int[ops];
        int[] linkFinals = new int[ops];
        int[] linkResults = new int[ops];
        int expectedCqes = 0;
        for (Kind k : kinds) {
            expectedCqes += k == Kind.POLL_LINK_TIMEOUT ? 2 : 1;
        }
        CountDownLatch done = new CountDownLatch(expectedCqes);
        // at most this many CQEs outstanding: the loop runs every queued task before it reaps, so
        // without a window a million ops would all be in flight at once
        Semaphore window = new Semaphore(16 * 1024);
        long[] cancels = {0};
        try (Arena arena = Arena.ofShared()) {
            // the kernel copies a timespec at submission; these live for the whole storm anyway
            MemorySegment[] short_ = new MemorySegment[4];
            for (int i = 0; i < short_.length; i++) {
                short_[i] = Timespec.allocate(arena, Duration.ofNanos(i * 500_000L));
            }
            MemorySegment hour = Timespec.allocate(arena, Duration.ofHours(1));
            EventLoop loop = LoopTesting.start(256);
            try {
                List<Long> later = new ArrayList<>();
                for (int from = 0; from < ops; from += batch) {
                    int start = from;
                    int end = Math.min(ops, from + batch);
                    long seed = rnd.nextLong();
                    int batchCqes = 0;
                    for (int i = start; i < end; i++) {
                        batchCqes += kinds[i] == Kind.POLL_LINK_TIMEOUT ? 2 : 1;
                    }
                    window.acquire(batchCqes);
                    loop.execute(() -> {
                        SplittableRandom r = new SplittableRandom(seed);
                        // cancel what the previous batch left for later
                        for (long ud : later) {
                            loop.cancel(ud);
                            cancels[0]++;
                        }
                        later.clear();
                        for (int i = start; i < end; i++) {
                            int id = i;
                            long ud = loop.register((res, flags) -> {
                                finals[id]++;
                                results[id] = res;
                                done.countDown();
                                window.release();
                            });
                            switch (kinds[i]) {
                                case NOP -> loop.nextSqe().prepNop().userData(ud);
                                case TIMEOUT_FIRES -> loop.nextSqe().prepTimeout(short_[r.nextInt(short_.length)], 0, 0)
                                        .userData(ud);
                                case TIMEOUT_CANCELLED_NOW -> {
                                    loop.nextSqe().prepTimeout(hour, 0, 0).userData(ud);
                                    loop.cancel(ud);
                                    cancels[0]++;
                                }
                                case TIMEOUT_CANCELLED_LATER -> {
                                    loop.nextSqe().prepTimeout(hour, 0, 0).userData(ud);
                                    later.add(ud);
                                }
                                case POLL_CANCELLED -> {
                                    loop.nextSqe().prepPollAdd(eventFd, 1).userData(ud);
                                    if (r.nextBoolean()) {
                                        loop.cancel(ud);
                                        cancels[0]++;
                                    } else {
                                        later.add(ud);
                                    }
                                }
                                case POLL_LINK_TIMEOUT -> {
                                    long lt = loop.register((res, flags) -> {
                                        linkFinals[id]++;
                                        linkResults[id] = res;
                                        done.countDown();
                                        window.release();
                                    });
                                    // a link chain must not straddle the SQ-full submit nextSqe() does
                                    if (loop.ring().sqSpaceLeft() < 2) {
                                        submit(loop);
                                    }
                                    loop.nextSqe().prepPollAdd(eventFd, 1).flags(SqeFlags.IO_LINK).userData(ud);
                                    loop.nextSqe().prepLinkTimeout(short_[r.nextInt(short_.length)], 0).userData(lt);
                                }
                            }
                        }
                    });
                }
                loop.execute(() -> {
                    for (long ud : later) {
                        loop.cancel(ud);
                        cancels[0]++;
                    }
                    later.clear();
                });
                if (!done.await(Invariants.scale(60, 1200), TimeUnit.SECONDS)) {
                    String missing = onLoop(loop, () -> {
                        java.util.Map<String, Integer> m = new java.util.TreeMap<>();
                        for (int i = 0; i < ops; i++) {
                            if (finals[i] == 0) {
                                m.merge(kinds[i].name(), 1, Integer::sum);
                            }
                            if (kinds[i] == Kind.POLL_LINK_TIMEOUT && linkFinals[i] == 0) {
                                m.merge("LINK_TIMEOUT", 1, Integer::sum);
                            }
                        }
                        return m + " pending " + loop.pendingOps();
                    });
                    throw new AssertionError(done.getCount() + " of " + expectedCqes + " CQEs never arrived: " + missing);
                }
                int[] wrong = onLoop(loop, () -> {
                    int lost = 0;
                    int duplicated = 0;
                    int badResult = 0;
                    for (int i = 0; i < ops; i++) {
                        lost += finals[i] == 0 ? 1 : 0;
                        duplicated += finals[i] > 1 ? 1 : 0;
                        if (results[i] != expected(kinds[i])) {
                            badResult++;
                        }
                        if (kinds[i] == Kind.POLL_LINK_TIMEOUT && (linkFinals[i] != 1 || linkResults[i] != -ETIME)) {
                            badResult++;
                        }
                    }
                    return new int[] {lost, duplicated, badResult, loop.pendingOps(), (int) loop.staleCompletions()};
                });
                Invariants.report("loop-cancellation-storm", "ops", ops, "cqes", expectedCqes, "cancels", cancels[0],
                        "link_timeouts", count(kinds, Kind.POLL_LINK_TIMEOUT), "lost", wrong[0],
                        "duplicated", wrong[1], "wrong_result", wrong[2], "leaked_slots", wrong[3],
                        "stale_cqes", wrong[4]);
                assertThat(wrong).as("lost, duplicated, wrong result, leaked slots, stale CQEs")
                        .containsExactly(0, 0, 0, 0, 0);
            } finally {
                loop.close();
                Native.close(eventFd);
            }
        }
        Invariants.assertBackTo(before);
    }

    private static void submit(EventLoop loop) {
        try {
            loop.ring().submit();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static int expected(Kind k) {
        return switch (k) {
            case NOP -> 0;
            case TIMEOUT_FIRES -> -ETIME;
            case TIMEOUT_CANCELLED_NOW, TIMEOUT_CANCELLED_LATER, POLL_CANCELLED, POLL_LINK_TIMEOUT -> -Errno.ECANCELED;
        };
    }

    private static long count(Kind[] kinds, Kind k) {
        long n = 0;
        for (Kind x : kinds) {
            n += x == k ? 1 : 0;
        }
        return n;
    }

    /**
     * Bursts of completions many times the CQ size inside one loop pass (the loop reaps only after
     * the task returns), so the kernel parks them in its overflow list: each still arrives once.
     */
    @Test
    void cqOverflowBurstsDeliverEveryCompletionOnce() throws Exception {
        int bursts = Invariants.scale(10, 300);
        int perBurst = 20_000;
        Invariants.Baseline before = Invariants.baseline();
        int[] finals = new int[perBurst];
        long delivered = 0;
        try (Arena arena = Arena.ofShared()) {
            MemorySegment now = Timespec.allocate(arena, Duration.ZERO);
            EventLoop loop = LoopTesting.start(64);
            try {
                int cqEntries = onLoop(loop, () -> loop.ring().cqEntries());
                for (int b = 0; b < bursts; b++) {
                    CountDownLatch done = new CountDownLatch(perBurst);
                    java.util.Arrays.fill(finals, 0);
                    loop.execute(() -> {
                        for (int i = 0; i < perBurst; i++) {
                            int id = i;
                            long ud = loop.register((res, flags) -> {
                                finals[id]++;
                                done.countDown();
                            });
                            if (i % 10 == 0) {
                                loop.nextSqe().prepTimeout(now, 0, 0).userData(ud);
                            } else {
                                loop.nextSqe().prepNop().userData(ud);
                            }
                        }
                    });
                    assertThat(done.await(60, TimeUnit.SECONDS)).as("burst %d: %d missing", b, done.getCount()).isTrue();
                    int[] check = onLoop(loop, () -> {
                        int bad = 0;
                        for (int f : finals) {
                            bad += f == 1 ? 0 : 1;
                        }
                        return new int[] {bad, loop.pendingOps(), loop.ring().cqOverflowCount()};
                    });
                    assertThat(check).as("burst %d: not exactly once, leaked slots, dropped CQEs", b)
                            .containsExactly(0, 0, 0);
                    delivered += perBurst;
                }
                Invariants.report("loop-cq-overflow-bursts", "bursts", bursts, "cqes", delivered,
                        "cq_entries", cqEntries, "overflow_factor", perBurst / cqEntries, "lost", 0, "duplicated", 0,
                        "dropped", 0, "leaked_slots", 0);
            } finally {
                loop.close();
            }
        }
        Invariants.assertBackTo(before);
    }
}
