package dev.uring.policy;

import static dev.uring.policy.Probes.SANDBOX;
import static dev.uring.policy.Probes.assertAllowed;
import static dev.uring.policy.Probes.assertRefused;
import static dev.uring.policy.Probes.socketOnNewRing;

import dev.uring.reactor.Uring;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import reactor.core.publisher.Hooks;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.util.context.Context;

/**
 * Reactor scheduler hops, for each kind of scheduler: a fresh instance whose threads are made
 * outside any scope (so a pass cannot come from thread construction), then a hop subscribed inside
 * a scope (refused) and one outside (allowed), by the scheduler hook and by context-propagation.
 */
@Timeout(60)
class ReactorInheritanceTest {
    private static Uring uring;

    enum Kind {
        PARALLEL, SINGLE, BOUNDED_ELASTIC, EXECUTOR_SERVICE, EXECUTOR, IMMEDIATE, URING;

        /** Whether the kind can schedule with a delay ({@code Schedulers.fromExecutor} and immediate cannot). */
        boolean timed() {
            return this != EXECUTOR && this != IMMEDIATE;
        }
    }

    @BeforeAll
    static void runtime() throws Exception {
        uring = Uring.create(2);
    }

    @AfterAll
    static void close() {
        uring.close();
    }

    /** A new scheduler of {@code kind}, its threads made now, outside any scope. */
    private static Scheduler fresh(Kind kind) {
        Scheduler s = switch (kind) {
            case PARALLEL -> Schedulers.newParallel("policy-test", 2);
            case SINGLE -> Schedulers.newSingle("policy-test");
            case BOUNDED_ELASTIC -> Schedulers.newBoundedElastic(2, 100, "policy-test");
            case EXECUTOR_SERVICE -> {
                // scheduled, so that delay works on it too
                ExecutorService pool = Executors.newScheduledThreadPool(2);
                yield Schedulers.fromExecutorService(pool);
            }
            case EXECUTOR -> Schedulers.fromExecutor(Executors.newFixedThreadPool(2));
            case IMMEDIATE -> Schedulers.immediate();
            case URING -> uring.scheduler();
        };
        // every thread it may ever have, made now: a scheduler makes a missing one on the thread that
        // schedules, and one made inside a scope would keep that scope's policy for life (narrower)
        int threads = switch (kind) {
            case SINGLE -> 1;
            case URING, IMMEDIATE -> 0;
            default -> 2;
        };
        java.util.concurrent.CountDownLatch all = new java.util.concurrent.CountDownLatch(threads);
        for (int i = 0; i < threads; i++) {
            Mono.fromRunnable(() -> {
                all.countDown();
                try {
                    all.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }).subscribeOn(s).subscribe();
        }
        try {
            if (!all.await(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException(kind + " did not start " + threads + " threads");
            }
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
        return s;
    }

    private static void dispose(Kind kind, Scheduler s) {
        if (kind != Kind.URING && kind != Kind.IMMEDIATE) {
            s.dispose();
        }
    }

    private static int await(Callable<Mono<Integer>> assembled, boolean inScope) throws Exception {
        Mono<Integer> m = inScope ? PolicyScope.call(SANDBOX, assembled::call) : assembled.call();
        // subscribed where it was assembled: inside the scope, or not
        var f = inScope ? PolicyScope.call(SANDBOX, m::toFuture) : m.toFuture();
        return f.get(30, TimeUnit.SECONDS);
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void withTheSchedulerHookSubscribeOnPublishOnAndDelayCarryTheSubscribersPolicy(Kind kind) throws Exception {
        PolicyPropagation.installReactorHook();
        Scheduler s = fresh(kind);
        try {
            assertRefused(await(() -> Mono.fromCallable(Probes::socketOnNewRing).subscribeOn(s), true));
            assertRefused(await(() -> Mono.just(1).publishOn(s).map(x -> socketOnNewRing()), true));
            if (kind.timed()) {
                assertRefused(await(() -> Mono.delay(Duration.ofMillis(1), s).map(x -> socketOnNewRing()), true));
            }
            assertAllowed(await(() -> Mono.fromCallable(Probes::socketOnNewRing).subscribeOn(s), false));
            assertAllowed(await(() -> Mono.just(1).publishOn(s).map(x -> socketOnNewRing()), false));
            if (kind.timed()) {
                assertAllowed(await(() -> Mono.delay(Duration.ofMillis(1), s).map(x -> socketOnNewRing()), false));
            }
        } finally {
            PolicyPropagation.uninstallReactorHook();
            dispose(kind, s);
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void withAutomaticContextPropagationAndContextCaptureAPublishOnHopCarriesTheSubscribersPolicy(Kind kind)
            throws Exception {
        Hooks.enableAutomaticContextPropagation();
        Scheduler s = fresh(kind);
        try {
            assertRefused(await(() -> Mono.just(1).publishOn(s).map(x -> socketOnNewRing()).contextCapture(), true));
            if (kind.timed()) {
                assertRefused(await(() -> Mono.delay(Duration.ofMillis(1), s).map(x -> socketOnNewRing()).contextCapture(),
                        true));
            }
            assertAllowed(await(() -> Mono.just(1).publishOn(s).map(x -> socketOnNewRing()).contextCapture(), false));
            // a policy written into the Context by hand narrows just the same
            assertRefused(await(() -> Mono.just(1).publishOn(s).map(x -> socketOnNewRing())
                    .contextWrite(Context.of(PolicyThreadLocalAccessor.KEY, SANDBOX)), false));
        } finally {
            Hooks.disableAutomaticContextPropagation();
            dispose(kind, s);
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void withNeitherHookASchedulerMadeInAScopeStillRunsRestricted(Kind kind) throws Exception {
        if (kind == Kind.URING) {
            // the runtime's scheduler: routed to a runtime of the subscriber's policy, hook or not
            assertRefused(await(() -> Mono.fromCallable(Probes::socketOnNewRing).subscribeOn(uring.scheduler()), true));
            assertAllowed(await(() -> Mono.fromCallable(Probes::socketOnNewRing).subscribeOn(uring.scheduler()), false));
            return;
        }
        if (kind == Kind.IMMEDIATE) {
            // no thread of its own: the work runs on the subscribing thread, under its policy
            assertRefused(await(() -> Mono.fromCallable(Probes::socketOnNewRing).subscribeOn(Schedulers.immediate()), true));
            assertAllowed(await(() -> Mono.fromCallable(Probes::socketOnNewRing).subscribeOn(Schedulers.immediate()), false));
            return;
        }
        // its threads are constructed inside the scope: they carry its policy for life
        Scheduler s = PolicyScope.call(SANDBOX, () -> fresh(kind));
        try {
            assertRefused(await(() -> Mono.fromCallable(Probes::socketOnNewRing).subscribeOn(s), false));
        } finally {
            dispose(kind, s);
        }
    }
}
