package dev.uring.reactor.op;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.uring.reactor.TestRuntimes;
import dev.uring.reactor.Uring;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.NonBlocking;
import reactor.test.StepVerifier;

@Timeout(60)
class MonoUringOpTest {
    @AutoClose
    static final Uring uring = TestRuntimes.create(2);

    @Test
    void timerCompletesOnALoopThread() {
        AtomicReference<Thread> thread = new AtomicReference<>();
        StepVerifier.create(uring.timer(Duration.ofMillis(5)).doOnNext(v -> thread.set(Thread.currentThread())))
                .expectNext(0L)
                .verifyComplete();
        assertThat(thread.get()).isInstanceOf(NonBlocking.class);
    }

    @Test
    void nothingIsSubmittedBeforeRequest() throws Exception {
        int before = KernelHeld.count();
        StepVerifier.create(uring.timer(Duration.ofHours(1)), 0)
                .expectSubscription()
                .then(() -> assertThat(KernelHeld.count()).isEqualTo(before))
                .thenCancel()
                .verify();
        Held.awaitCount(before);
    }

    @Test
    void cancelledTimerIsRemovedFromTheKernelAndReleasedAfterItsFinalCqe() throws Exception {
        int before = KernelHeld.count();
        StepVerifier.create(uring.timer(Duration.ofHours(1)))
                .expectSubscription()
                .then(() -> {
                    try {
                        Held.awaitCount(before + 1);
                    } catch (InterruptedException e) {
                        throw new AssertionError(e);
                    }
                })
                .thenCancel()
                .verify(Duration.ofSeconds(5));
        // ASYNC_CANCEL went out; the final CQE (-ECANCELED) gives the memory back
        Held.awaitCount(before);
    }

    @Test
    void contextPropagatesToTheSubscriber() {
        Mono<String> m = uring.timer(Duration.ofMillis(1))
                .flatMap(v -> Mono.deferContextual(ctx -> Mono.just(ctx.<String>get("who"))))
                .contextWrite(ctx -> ctx.put("who", "subscriber"));
        StepVerifier.create(m).expectNext("subscriber").verifyComplete();
    }

    @Test
    void subscribingOnALoopThreadSubmitsDirectly() {
        Mono<Long> nested = uring.timer(Duration.ofMillis(1))
                .flatMap(v -> uring.timer(Duration.ofMillis(1)).map(x -> x + 41)
                        .doOnNext(x -> assertThat(Thread.currentThread()).isInstanceOf(NonBlocking.class)));
        StepVerifier.create(nested).expectNext(41L).verifyComplete();
    }

    @Test
    void eachSubscriptionRunsItsOwnOp() {
        Mono<Long> timer = uring.timer(Duration.ofMillis(1));
        StepVerifier.create(timer.repeat(4).count()).expectNext(5L).verifyComplete();
    }

    @Test
    void badArgumentsFailAtAssembly() {
        assertThatThrownBy(() -> uring.timer(Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("negative");
        assertThatThrownBy(() -> uring.timer(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> uring.ticks(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("positive");
    }

    @Test
    void aClosedRuntimeRefusesNewOps() throws Exception {
        Uring u = Uring.create(1);
        u.close();
        assertThat(u.isClosed()).isTrue();
        StepVerifier.create(u.timer(Duration.ofMillis(1)))
                .verifyErrorSatisfies(e -> assertThat(e).isInstanceOf(RuntimeClosedException.class)
                        .hasMessageContaining("closed"));
    }

    @Test
    void closingTheRuntimeFailsOpsInFlight() throws Exception {
        Uring u = Uring.create(1);
        StepVerifier.create(u.timer(Duration.ofHours(1)))
                .expectSubscription()
                .then(u::close)
                // the loop's close cancelled it: the error says the runtime closed, not "ECANCELED"
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(RuntimeClosedException.class)
                        .hasMessage("the io_uring runtime is closed"))
                .verify(Duration.ofSeconds(10));
    }
}
