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
    /** utime + stime of the loop thread, read on that thread from /proc/thread-self/stat. */
    private static long cpuTicks(EventLoop loop) throws Exception {
        CompletableFuture<Long> ticks = new CompletableFuture<>();
        loop.execute(() -> {
            try {
                String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/thread-self/stat"));
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                ticks.complete(Long.parseLong(f[11]) + Long.parseLong(f[12]));
            } catch (java.io.IOException e) {
                ticks.completeExceptionally(e);
            }
        });
        return ticks.get(10, TimeUnit.SECONDS);
    }

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
            long before = cpuTicks(loop);
            new java.util.concurrent.CountDownLatch(1).await(500, TimeUnit.MILLISECONDS);
            long spent = cpuTicks(loop) - before;
            assertThat(spent).as("loop thread CPU ticks (1/100 s) over 500 ms idle").isLessThan(10);
        }
    }
}
