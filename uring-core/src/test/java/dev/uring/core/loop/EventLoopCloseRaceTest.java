package dev.uring.core.loop;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Tasks handed over while a loop closes are each either run or rejected, never silently dropped. */
class EventLoopCloseRaceTest {
    /** Loop threads named {@code name} counting in {@code count} the uncaught exceptions {@code counted} accepts. */
    private static ThreadFactory counting(String name, AtomicLong count, java.util.function.Predicate<Throwable> counted) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setUncaughtExceptionHandler((th, e) -> {
                if (counted.test(e)) {
                    count.incrementAndGet();
                }
            });
            return t;
        };
    }

    @Test
    @Timeout(60)
    void tasksHandedOverBeforeTheCloseAllRunThoughMoreThanAPassesBudget() throws Exception {
        AtomicLong reportedRejections = new AtomicLong();
        EventLoop loop = EventLoop.start(EventLoop.defaultOptions(8).setupHooks(false),
                counting("close-loop", reportedRejections, e -> true));
        java.util.concurrent.atomic.AtomicBoolean go = new java.util.concurrent.atomic.AtomicBoolean();
        AtomicInteger ran = new AtomicInteger();
        int tasks = 50_000;
        loop.execute(() -> {
            while (!go.get()) {
                // holds the loop until the close has begun (no onSpinWait: BlockHound counts it as blocking)
            }
        });
        for (int i = 0; i < tasks; i++) {
            loop.execute(ran::incrementAndGet);
        }
        Thread closer = Thread.ofPlatform().start(loop::close);
        while (!loop.isClosing()) {
            Thread.onSpinWait();
        }
        go.set(true);
        closer.join(30_000);
        assertThat(closer.isAlive()).as("close still waiting").isFalse();
        assertThat(ran.get()).as("tasks run of the %d handed over before the close", tasks).isEqualTo(tasks);
        assertThat(reportedRejections.get()).as("tasks reported as rejected").isZero();
    }

    @Test
    @Timeout(120)
    void everyTaskRacingCloseIsRunOrRejected() throws Exception {
        AtomicLong reportedRejections = new AtomicLong();
        ThreadFactory factory = counting("race-loop", reportedRejections, e -> e instanceof RejectedExecutionException);
        for (int cycle = 0; cycle < 100; cycle++) {
            EventLoop loop = EventLoop.start(EventLoop.defaultOptions(8).setupHooks(false), factory);
            AtomicInteger ran = new AtomicInteger();
            AtomicInteger rejected = new AtomicInteger();
            AtomicInteger offered = new AtomicInteger();
            long reportedBefore = reportedRejections.get();
            Thread producer = Thread.ofPlatform().start(() -> {
                // keep handing tasks over until well after close began
                while (rejected.get() < 50) {
                    offered.incrementAndGet();
                    try {
                        loop.execute(ran::incrementAndGet);
                    } catch (RejectedExecutionException e) {
                        rejected.incrementAndGet();
                    }
                }
            });
            Thread.sleep(1);
            loop.close();
            producer.join(30_000);
            assertThat(producer.isAlive()).isFalse();
            long reported = reportedRejections.get() - reportedBefore;
            assertThat(ran.get() + rejected.get() + reported).as("cycle %d: offered %d", cycle, offered.get())
                    .isEqualTo(offered.get());
        }
    }
}
