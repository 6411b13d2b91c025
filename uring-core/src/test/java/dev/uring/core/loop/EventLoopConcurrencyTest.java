package dev.uring.core.loop;

import static dev.uring.core.loop.LoopTesting.onLoop;
import static org.assertj.core.api.Assertions.assertThat;

import dev.uring.core.Sqe;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Many threads hand NOPs to one loop through execute(); each completion arrives exactly once. */
class EventLoopConcurrencyTest {
    private static final int THREADS = 8;
    private static final int PER_THREAD = 100_000;
    private static final int BATCH = 250;

    /** A completion that counts its own id. */
    private record Counting(AtomicIntegerArray counts, CountDownLatch done, int id) implements Completion {
        @Override
        public void complete(int res, int flags) {
            if (res == 0) {
                counts.incrementAndGet(id);
            }
            done.countDown();
        }
    }

    @Test
    @Timeout(120)
    void nopsFromEightThreadsCompleteExactlyOnceEach() throws Exception {
        int total = THREADS * PER_THREAD;
        AtomicIntegerArray counts = new AtomicIntegerArray(total);
        CountDownLatch done = new CountDownLatch(total);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        try (EventLoop loop = LoopTesting.start(256)) {
            List<Thread> producers = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int base = t * PER_THREAD;
                producers.add(Thread.ofPlatform().start(() -> {
                    for (int from = 0; from < PER_THREAD; from += BATCH) {
                        int start = base + from;
                        loop.execute(() -> {
                            try {
                                for (int i = start; i < start + BATCH; i++) {
                                    Sqe sqe = loop.nextSqe();
                                    sqe.prepNop().userData(loop.register(new Counting(counts, done, i)));
                                }
                            } catch (Throwable e) {
                                failure.compareAndSet(null, e);
                            }
                        });
                    }
                }));
            }
            for (Thread p : producers) {
                p.join(TimeUnit.SECONDS.toMillis(60));
            }
            assertThat(done.await(100, TimeUnit.SECONDS)).as("all %d completions arrived", total).isTrue();
            assertThat(failure.get()).isNull();
            for (int i = 0; i < total; i++) {
                if (counts.get(i) != 1) {
                    throw new AssertionError("op " + i + " completed " + counts.get(i) + " times");
                }
            }
            assertThat(onLoop(loop, loop::pendingOps)).isZero();
            assertThat(onLoop(loop, loop::staleCompletions)).isZero();
            assertThat(onLoop(loop, loop::completions)).isEqualTo(total);
        }
    }
}
