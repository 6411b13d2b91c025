package dev.uring.core.loop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uring.core.CqeConsumer;
import dev.uring.core.Ring;
import dev.uring.core.RingOptions;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The completion path (submit, wait, reap, dispatch) allocates nothing once warm. */
@Timeout(60)
class SteadyStateAllocationTest {
    // reached reflectively: the tests compile inside module dev.uring.core, which does not read java.management
    private static final MethodHandle ALLOCATED = allocatedBytesHandle();

    private static MethodHandle allocatedBytesHandle() {
        try {
            Object bean = Class.forName("java.lang.management.ManagementFactory").getMethod("getThreadMXBean").invoke(null);
            return MethodHandles.publicLookup()
                    .findVirtual(Class.forName("com.sun.management.ThreadMXBean"), "getCurrentThreadAllocatedBytes",
                            MethodType.methodType(long.class))
                    .bindTo(bean);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    private static long allocated() {
        try {
            return (long) ALLOCATED.invokeExact();
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** Counts CQEs without allocating. */
    private static final class Counter implements CqeConsumer, Completion {
        int seen;

        @Override
        public void accept(long userData, int res, int flags) {
            seen++;
        }

        @Override
        public void complete(int res, int flags) {
            seen++;
        }
    }

    @Test
    void ringReapAllocatesNothingAndEachEnterAtMostTheJdksCaptureState() throws Exception {
        try (Ring ring = Ring.open(RingOptions.defaults().entries(64).setupHooks(false))) {
            Counter c = new Counter();
            long reaping = 0;
            long whole = 0;
            for (int round = 0; round < 3000; round++) {
                long before = allocated();
                for (int i = 0; i < 64; i++) {
                    ring.nextSqe().prepNop().userData(i);
                }
                ring.submitAndWait(64);
                long beforeReap = allocated();
                ring.reapCqes(c);
                long after = allocated();
                if (round >= 2000) {
                    reaping += after - beforeReap;
                    whole += after - before;
                }
            }
            assertThat(c.seen).isEqualTo(3000 * 64);
            assertThat(reaping).as("bytes allocated reaping 64 000 CQEs, warm").isZero();
            // the JDK's captureCallState downcall allocates 40 bytes per call that C2 does not always
            // scalar-replace for the 7-argument syscall: one io_uring_enter per round, not per CQE
            assertThat(whole).as("bytes allocated by 1000 warm rounds of 64 NOPs").isLessThanOrEqualTo(1000 * 40 + 1024);
        }
    }

    @Test
    void handingTasksOverAllocatesNoNodePerTask() throws Exception {
        try (EventLoop loop = LoopTesting.start(8)) {
            Runnable task = () -> { };
            long[] bytes = new long[1];
            for (int round = 0; round < 5; round++) {
                CompletableFuture<Long> measured = new CompletableFuture<>();
                // offered from the loop thread (a producer like any other, and one that never wakes the loop)
                loop.execute(() -> {
                    long before = allocated();
                    for (int i = 0; i < 100_000; i++) {
                        loop.execute(task);
                    }
                    measured.complete(allocated() - before);
                });
                bytes[0] = measured.get(30, TimeUnit.SECONDS);
            }
            // a linked queue's node is 24 bytes per task; the array queue takes a 1024-slot chunk
            // (about 4 KiB) per 1024 tasks
            assertThat(bytes[0]).as("bytes allocated handing over 100 000 tasks, warm").isLessThan(100_000 * 8);
        }
    }

    @Test
    void loopDispatchAllocatesNothing() throws Exception {
        dispatch(false);
    }

    @Test
    void loopDispatchAllocatesNothingWithStatsOn() throws Exception {
        dispatch(true);
    }

    private static void dispatch(boolean stats) throws Exception {
        try (EventLoop loop = LoopTesting.start(256)) {
            if (stats) {
                loop.enableStats(java.time.Duration.ofSeconds(1), java.time.Duration.ofMillis(100));
            }
            Counter c = new Counter();
            for (int round = 0; round < 400; round++) {
                CompletableFuture<Long> done = new CompletableFuture<>();
                int target = (round + 1) * 200;
                loop.execute(() -> {
                    for (int i = 0; i < 200; i++) {
                        loop.nextSqe().prepNop().userData(loop.register(c));
                    }
                    waitFor(loop, c, target, done);
                });
                long bytes = done.get(30, TimeUnit.SECONDS);
                if (round == 399) {
                    assertThat(bytes).as("bytes allocated on the loop thread for 200 NOPs, warm, stats %s", stats)
                            .isLessThan(512);
                }
            }
        }
    }

    /** Re-checks on the loop thread (a task per pass) until {@code target} completions were counted. */
    private static void waitFor(EventLoop loop, Counter c, int target, CompletableFuture<Long> done) {
        // measure up to the moment the last completion ran, from a completion on the loop itself
        long start = allocated();
        loop.nextSqe().prepNop().userData(loop.register(new Completion() {
            @Override
            public void complete(int res, int flags) {
                long end = allocated();
                if (c.seen >= target) {
                    done.complete(end - start);
                } else {
                    done.completeExceptionally(new AssertionError("NOPs still in flight: " + c.seen));
                }
            }
        }));
    }
}
