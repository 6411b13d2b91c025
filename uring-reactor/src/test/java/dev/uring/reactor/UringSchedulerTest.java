package dev.uring.reactor;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import reactor.blockhound.BlockingOperationError;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.NonBlocking;
import reactor.core.scheduler.Scheduler;
import reactor.test.StepVerifier;

@Timeout(60)
class UringSchedulerTest {
    @AutoClose
    static final Uring uring = TestRuntimes.create(2);

    @Test
    void tasksRunOnNonBlockingLoopThreads() throws Exception {
        AtomicReference<Thread> t = new AtomicReference<>();
        CountDownLatch done = new CountDownLatch(1);
        uring.scheduler().schedule(() -> {
            t.set(Thread.currentThread());
            done.countDown();
        });
        assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(t.get()).isInstanceOf(NonBlocking.class);
        StepVerifier.create(Mono.just(1).publishOn(uring.scheduler()).map(x -> Thread.currentThread() instanceof NonBlocking))
                .expectNext(true).verifyComplete();
    }

    @Test
    void delayedAndPeriodicTasksUseKernelTimers() throws Exception {
        CountDownLatch delayed = new CountDownLatch(1);
        uring.scheduler().schedule(delayed::countDown, 5, TimeUnit.MILLISECONDS);
        assertThat(delayed.await(10, TimeUnit.SECONDS)).isTrue();
        AtomicInteger runs = new AtomicInteger();
        CountDownLatch three = new CountDownLatch(3);
        Disposable d = uring.scheduler().schedulePeriodically(() -> {
            runs.incrementAndGet();
            three.countDown();
        }, 1, 2, TimeUnit.MILLISECONDS);
        assertThat(three.await(10, TimeUnit.SECONDS)).isTrue();
        d.dispose();
        StepVerifier.create(Mono.delay(Duration.ofMillis(5), uring.scheduler())).expectNext(0L).verifyComplete();
    }

    @Test
    void disposedWorkerDropsPendingTasks() throws Exception {
        Scheduler.Worker w = uring.scheduler().createWorker();
        AtomicInteger ran = new AtomicInteger();
        w.schedule(ran::incrementAndGet, 1, TimeUnit.HOURS);
        w.dispose();
        assertThat(w.isDisposed()).isTrue();
        CountDownLatch order = new CountDownLatch(1);
        Scheduler.Worker w2 = uring.scheduler().createWorker();
        StringBuilder seq = new StringBuilder();
        for (int i = 0; i < 5; i++) {
            int n = i;
            w2.schedule(() -> seq.append(n));
        }
        w2.schedule(order::countDown);
        assertThat(order.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(seq.toString()).isEqualTo("01234");
        assertThat(ran.get()).isZero();
        w2.dispose();
    }

    @Test
    void blockOnALoopThreadIsRefused() {
        StepVerifier.create(uring.timer(Duration.ofMillis(1)).map(v -> Mono.delay(Duration.ofMillis(1)).block()))
                .verifyErrorSatisfies(e -> assertThat(e).satisfiesAnyOf(
                        x -> assertThat(x).isInstanceOf(IllegalStateException.class).hasMessageContaining("block"),
                        x -> assertThat(x).isInstanceOf(BlockingOperationError.class)));
    }
}
