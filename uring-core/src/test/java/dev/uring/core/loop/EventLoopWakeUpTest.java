package dev.uring.core.loop;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A sleeping loop wakes for every task handed over (the sleeping flag plus eventfd never lose one). */
@Timeout(60)
class EventLoopWakeUpTest {
    @Test
    void aSleepingLoopRunsEachTaskHandedToItOneAtATime() throws Exception {
        try (EventLoop loop = LoopTesting.start(8)) {
            for (int i = 0; i < 3000; i++) {
                CompletableFuture<Integer> f = new CompletableFuture<>();
                int n = i;
                loop.execute(() -> f.complete(n));
                // a lost wake-up leaves the loop asleep in io_uring_enter and this times out
                assertThat(f.get(10, TimeUnit.SECONDS)).isEqualTo(i);
                if (i % 500 == 0) {
                    Thread.sleep(5); // let it really fall asleep now and then
                }
            }
        }
    }

    @Test
    void racingProducersNeverStrandATask() throws Exception {
        int producers = 4;
        int each = 5000;
        AtomicInteger ran = new AtomicInteger();
        CountDownLatch all = new CountDownLatch(producers * each);
        try (EventLoop loop = LoopTesting.start(8)) {
            List<Thread> threads = new ArrayList<>();
            for (int p = 0; p < producers; p++) {
                threads.add(Thread.ofPlatform().start(() -> {
                    for (int i = 0; i < each; i++) {
                        loop.execute(() -> {
                            ran.incrementAndGet();
                            all.countDown();
                        });
                        if (i % 1000 == 0) {
                            Thread.onSpinWait();
                        }
                    }
                }));
            }
            for (Thread t : threads) {
                t.join(30_000);
            }
            assertThat(all.await(30, TimeUnit.SECONDS)).isTrue();
            assertThat(ran.get()).isEqualTo(producers * each);
        }
    }

    @Test
    void closeFromTheLoopThreadOnlyBeginsTheCloseAndFinishesIt() throws Exception {
        EventLoop loop = LoopTesting.start(8);
        loop.execute(loop::close);
        assertThat(loop.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        assertThat(loop.isClosing()).isTrue();
    }
}
