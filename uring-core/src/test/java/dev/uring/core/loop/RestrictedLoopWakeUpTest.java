package dev.uring.core.loop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uring.core.Opcode;
import dev.uring.core.Restriction;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A loop whose ring may run nothing but NOP still wakes for tasks: its wake-up needs no op of its own. */
class RestrictedLoopWakeUpTest {
    @Test
    @Timeout(30)
    void loopRestrictedToNopWakesForEveryTaskAndRunsNops() throws Exception {
        var options = EventLoop.defaultOptions(16)
                .customizer(ring -> ring.registerRestrictions(List.of(Restriction.sqeOp(Opcode.NOP))));
        try (EventLoop loop = EventLoop.start(options, EventLoopGroup.daemonThreads("restricted-wake"))) {
            for (int i = 0; i < 200; i++) {
                CompletableFuture<Integer> res = new CompletableFuture<>();
                loop.execute(() -> loop.nextSqe().prepNop().userData(loop.register((r, f) -> res.complete(r))));
                assertThat(res.get(10, TimeUnit.SECONDS)).isZero();
            }
            CompletableFuture<Integer> denied = new CompletableFuture<>();
            loop.execute(() -> loop.nextSqe().prepFsync(0, false)
                    .userData(loop.register((r, f) -> denied.complete(r))));
            assertThat(denied.get(10, TimeUnit.SECONDS)).isEqualTo(-13);

            // an idle loop sleeps in io_uring_enter: a wake-up op the policy refused would make it spin
            var threads = java.lang.management.ManagementFactory.getThreadMXBean();
            long before = threads.getThreadCpuTime(loop.thread().threadId());
            new java.util.concurrent.CountDownLatch(1).await(300, TimeUnit.MILLISECONDS);
            long spent = threads.getThreadCpuTime(loop.thread().threadId()) - before;
            assertThat(spent).as("loop thread CPU while idle, ns").isLessThan(TimeUnit.MILLISECONDS.toNanos(100));
        }
    }
}
