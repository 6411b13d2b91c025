package dev.uring.reactor.op;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uring.core.KernelFeature;
import dev.uring.core.loop.EventLoop;
import dev.uring.reactor.TestRuntimes;
import dev.uring.reactor.Uring;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import reactor.core.Disposable;
import reactor.test.StepVerifier;

/** The multishot engine's claims, checked on the loop's own pending-op table and the engine's state. */
@Timeout(60)
class MultishotEngineTest {
    // one loop of its own: every pending op on it is this test's
    @AutoClose
    static final Uring uring = TestRuntimes.create(1);

    private static EventLoop loop() {
        return uring.group().get(0);
    }

    private static <V> V onLoop(Supplier<V> read) throws Exception {
        CompletableFuture<V> f = new CompletableFuture<>();
        loop().execute(() -> f.complete(read.get()));
        return f.get(10, TimeUnit.SECONDS);
    }

    private static void awaitOnLoop(Supplier<Boolean> condition, String what) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!onLoop(condition) && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(onLoop(condition)).as(what).isTrue();
    }

    private static MultishotEngine<Long> ticks(long millis) {
        return new MultishotEngine<>(new FluxUringMultishot.OpSource<>(new TicksOp(TimeUnit.MILLISECONDS.toNanos(millis))),
                loop(), false, FluxUringMultishot.MAX_OVERFLOW);
    }

    @Test
    void unboundedDemandKeepsExactlyOneMultishotOpArmed() throws Exception {
        MultishotEngine<Long> engine = ticks(1);
        AtomicLong seen = new AtomicLong();
        Disposable d = engine.subscribe(t -> seen.incrementAndGet());
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (seen.get() < 30 && System.nanoTime() < deadline) {
                Thread.sleep(2);
            }
            assertThat(seen.get()).as("ticks").isGreaterThanOrEqualTo(30);
            assertThat(onLoop(() -> loop().pendingOps())).as("pending ops on the loop").isEqualTo(1);
            assertThat(onLoop(engine::isArmed)).isTrue();
            if (KernelFeature.MULTISHOT_TIMEOUT.isAvailable()) {
                // one SQE for every tick: the kernel never ended it, so it was never armed again
                assertThat(onLoop(engine::armings)).as("armings").isEqualTo(1);
            } else {
                // before 6.4 the TIMEOUT is one-shot: the kernel ends it each tick and the engine re-arms
                assertThat(onLoop(engine::armings)).as("armings").isGreaterThanOrEqualTo(30);
            }
        } finally {
            d.dispose();
        }
        awaitOnLoop(() -> loop().pendingOps() == 0 && !engine.hasSubscriber(),
                "the cancel disarmed the op and dropped the subscriber");
    }

    @Test
    void zeroDemandDisarmsAndTheNextRequestArmsAgain() throws Exception {
        MultishotEngine<Long> engine = ticks(1);
        StepVerifier.create(engine, 0)
                .expectSubscription()
                .then(() -> assertThat(engine.armings()).as("no demand, nothing armed").isZero())
                .thenRequest(3)
                .expectNextCount(3)
                .then(() -> {
                    try {
                        awaitOnLoop(() -> !engine.isArmed() && loop().pendingOps() == 0, "disarmed at zero demand");
                    } catch (Exception e) {
                        throw new AssertionError(e);
                    }
                })
                .thenRequest(2)
                .expectNextCount(2)
                // a multishot TIMEOUT is armed once per burst of demand; before 6.4 the TIMEOUT is
                // one-shot, so the engine arms it once per tick: 3 + 2
                .then(() -> assertThat(engine.armings()).as("armings for two bursts of demand, 3 and 2")
                        .isEqualTo(KernelFeature.MULTISHOT_TIMEOUT.isAvailable() ? 2 : 5))
                .thenCancel()
                .verify(Duration.ofSeconds(10));
        awaitOnLoop(() -> !engine.hasSubscriber(), "a cancelled subscriber is dropped (rule 3.13)");
    }

    @Test
    void aSingleUseEngineRefusesASecondSubscriber() {
        MultishotEngine<Long> engine = ticks(1);
        StepVerifier.create(engine.take(1)).expectNextCount(1).verifyComplete();
        StepVerifier.create(engine, 0).expectSubscription().expectError(IllegalStateException.class)
                .verify(Duration.ofSeconds(5));
    }

    @Test
    void closingTheRuntimeFailsOpsInFlightWithRuntimeClosedException() throws Exception {
        Uring own = TestRuntimes.create(1);
        int before = KernelHeld.count();
        try {
            StepVerifier.create(own.timer(Duration.ofHours(1)))
                    .expectSubscription()
                    .then(() -> {
                        try {
                            Held.awaitCount(before + 1); // the TIMEOUT is in the kernel
                        } catch (InterruptedException e) {
                            throw new AssertionError(e);
                        }
                    })
                    .then(own::close)
                    .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(RuntimeClosedException.class)
                            .hasMessage("the io_uring runtime is closed"))
                    .verify(Duration.ofSeconds(30));
            StepVerifier.create(own.ticks(Duration.ofMillis(1)).take(1)).expectSubscription()
                    .expectError(RuntimeClosedException.class).verify(Duration.ofSeconds(5));
        } finally {
            own.close();
        }
        Held.awaitCount(before);
    }

    @Test
    void closingTheRuntimeFailsAnArmedMultishotOpWithRuntimeClosedException() throws Exception {
        Uring own = TestRuntimes.create(1);
        int before = KernelHeld.count();
        try {
            StepVerifier.create(own.ticks(Duration.ofHours(1)))
                    .expectSubscription()
                    .then(() -> {
                        try {
                            Held.awaitCount(before + 1); // the multishot TIMEOUT is armed
                        } catch (InterruptedException e) {
                            throw new AssertionError(e);
                        }
                    })
                    .then(own::close)
                    .expectError(RuntimeClosedException.class)
                    .verify(Duration.ofSeconds(30));
        } finally {
            own.close();
        }
        Held.awaitCount(before);
    }

    @Test
    void aClosedRuntimeFailsANewSubscriberWithoutDemand() {
        Uring own = TestRuntimes.create(1);
        own.close();
        // rules 1.4 and 1.9: onSubscribe then onError, with no request at all
        StepVerifier.create(own.timer(Duration.ofMillis(1)), 0).expectSubscription()
                .expectError(RuntimeClosedException.class).verify(Duration.ofSeconds(5));
        StepVerifier.create(own.ticks(Duration.ofMillis(1)), 0).expectSubscription()
                .expectError(RuntimeClosedException.class).verify(Duration.ofSeconds(5));
    }
}
