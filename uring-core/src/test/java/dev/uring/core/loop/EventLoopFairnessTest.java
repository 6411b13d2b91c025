package dev.uring.core.loop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uring.core.Timespec;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Handed-over tasks share the loop with completions: a pass runs a bounded number of them. */
@Timeout(60)
class EventLoopFairnessTest {
    @Test
    void tasksThatKeepHandingOverTasksDoNotStarveCompletions() throws Exception {
        try (EventLoop loop = LoopTesting.start(8); Arena arena = Arena.ofShared()) {
            MemorySegment oneMilli = Timespec.allocate(arena, Duration.ofMillis(1));
            AtomicBoolean fired = new AtomicBoolean();
            AtomicLong spins = new AtomicLong();
            CompletableFuture<Long> timeoutCqe = new CompletableFuture<>();
            Runnable[] spinner = new Runnable[1];
            spinner[0] = () -> {
                spins.incrementAndGet();
                if (!fired.get()) {
                    // hands itself over again: the task queue is never empty until the timeout's CQE is seen
                    loop.execute(spinner[0]);
                }
            };
            loop.execute(() -> {
                loop.nextSqe().prepTimeout(oneMilli, 0, 0).userData(loop.register((res, flags) -> {
                    fired.set(true);
                    timeoutCqe.complete(spins.get());
                }));
                loop.execute(spinner[0]);
            });
            // a loop that drained its task queue to empty before reaping would never get here
            assertThat(timeoutCqe.get(20, TimeUnit.SECONDS)).isGreaterThan(EventLoop.TASKS_PER_PASS);
        }
    }
}
