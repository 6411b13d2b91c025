package dev.uring.core.loop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uring.core.Ring;
import dev.uring.core.RingOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A sleeping loop wakes for every task handed over (the sleeping flag plus the MSG_RING wake-up never lose one). */
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
    void theLoopEntersItsRingThroughItsRegisteredRingFdAndOtherThreadsStillWakeIt() throws Exception {
        try (EventLoop loop = LoopTesting.start(8)) {
            for (int i = 0; i < 100; i++) {
                // each hand-over wakes the loop from its io_uring_enter wait on the registered index
                assertThat(LoopTesting.onLoop(loop, () -> loop.ring().isRingFdRegistered())).isTrue();
                LoopTesting.awaitSleeping(loop);
            }
        }
    }

    @Test
    void aForeignCqeWithUserDataZeroIsDroppedAsStaleNotTakenForTheWakeUp() throws Exception {
        try (EventLoop loop = LoopTesting.start(8);
                Ring other = Ring.open(RingOptions.defaults().entries(2).setupHooks(false))) {
            other.nextSqe().prepMsgRing(loop.ringFd(), 5, 0L, 0).userData(1);
            other.submitAndWait(1);
            int[] res = {-1};
            other.reapCqes((ud, r, f) -> res[0] = r);
            assertThat(res[0]).isZero();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (LoopTesting.onLoop(loop, loop::staleCompletions) == 0 && System.nanoTime() < deadline) {
                Thread.sleep(1);
            }
            assertThat(LoopTesting.onLoop(loop, loop::staleCompletions)).isEqualTo(1);
            CompletableFuture<Boolean> woke = new CompletableFuture<>();
            Thread.sleep(5);
            loop.execute(() -> woke.complete(true));
            assertThat(woke.get(10, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void loopsWokenByManyThreadsAtOnceEachRunEveryTask() throws Exception {
        // each loop wakes through its own ring: wakers of different loops run side by side
        int loops = 4;
        int producers = 4;
        int each = 2000;
        CountDownLatch all = new CountDownLatch(loops * producers * each);
        List<EventLoop> started = new ArrayList<>();
        try {
            for (int l = 0; l < loops; l++) {
                started.add(LoopTesting.start(8));
            }
            List<Thread> threads = new ArrayList<>();
            for (int p = 0; p < producers; p++) {
                threads.add(Thread.ofPlatform().start(() -> {
                    for (int i = 0; i < each; i++) {
                        for (EventLoop loop : started) {
                            loop.execute(all::countDown);
                        }
                        if (i % 100 == 0) {
                            // let the loops fall asleep now and then, so that wake-ups are sent
                            java.util.concurrent.locks.LockSupport.parkNanos(200_000);
                        }
                    }
                }));
            }
            for (Thread t : threads) {
                t.join(30_000);
            }
            assertThat(all.await(30, TimeUnit.SECONDS)).as("tasks left: %d", all.getCount()).isTrue();
        } finally {
            started.forEach(EventLoop::close);
        }
    }

    @Test
    void aLoopsWakeUpRingIsClosedWithTheLoop() throws Exception {
        LoopTesting.start(8).close(); // classes loaded, lazily opened JDK fds opened
        long before = openFds();
        for (int i = 0; i < 20; i++) {
            EventLoop loop = LoopTesting.start(8);
            LoopTesting.awaitSleeping(loop);
            loop.execute(() -> { }); // a wake-up through the loop's own ring
            loop.close();
        }
        assertThat(openFds()).as("fds after 20 loops started, woken and closed").isLessThanOrEqualTo(before);
    }

    private static long openFds() throws java.io.IOException {
        try (var fds = java.nio.file.Files.list(java.nio.file.Path.of("/proc/self/fd"))) {
            return fds.count();
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
