package dev.uring.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uring.core.Opcode;
import dev.uring.core.RegisterOp;
import dev.uring.core.SqeFlags;
import dev.uring.reactor.Uring;
import io.micrometer.context.ContextSnapshotFactory;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Nesting across hops still only narrows: for random policy pairs {@code a}, {@code b} and random
 * sequences of hops before and between the two scopes, the policy in force at the end allows
 * exactly what both allow, and the kernel refuses SOCKET on a ring opened there exactly when one
 * of them denies it. The pools, scheduler and runtime the hops use are made outside any scope.
 */
class HopNarrowingPropertiesTest {
    /** Every way of moving work to another thread that carries a policy. */
    enum Hop { PLATFORM_THREAD, VIRTUAL_THREAD, WRAPPED_POOL, SNAPSHOT_POOL, REACTOR_SCHEDULER, URING_SCHEDULER }

    private static ExecutorService pool;
    private static Scheduler parallel;
    private static Uring uring;
    private static final ContextSnapshotFactory SNAPSHOTS = ContextSnapshotFactory.builder().build();

    @BeforeContainer
    static void start() throws Exception {
        // threads made now, outside any scope (a pool thread made inside one would keep its policy for life)
        java.util.concurrent.ThreadPoolExecutor p = (java.util.concurrent.ThreadPoolExecutor) Executors.newFixedThreadPool(2);
        p.prestartAllCoreThreads();
        pool = p;
        parallel = Schedulers.newParallel("hop-test", 2);
        for (int i = 0; i < 4; i++) {
            reactor.core.publisher.Mono.fromCallable(() -> 1).subscribeOn(parallel).block();
        }
        uring = Uring.create(1);
        PolicyPropagation.installReactorHook();
    }

    @AfterContainer
    static void stop() {
        PolicyPropagation.uninstallReactorHook();
        uring.close();   // and the child runtimes made for the policies met
        parallel.dispose();
        pool.shutdownNow();
    }

    @Provide
    Arbitrary<RingPolicy> policies() {
        return Arbitraries.of(Opcode.class).set().ofMinSize(1).ofMaxSize(Opcode.values().length).map(ops -> {
            EnumSet<Opcode> allowed = EnumSet.copyOf(ops);
            allowed.add(Opcode.NOP);
            return RingPolicy.builder("random").allowOps(allowed).allowRegisterOps(EnumSet.allOf(RegisterOp.class))
                    .allowFlags(SqeFlags.ALL).build();
        });
    }

    /** Runs {@code rest} after hopping by {@code hop}; pool-like hops go on on a thread made there, never blocking one. */
    private static void hop(Hop hop, Runnable rest) {
        switch (hop) {
            case PLATFORM_THREAD -> Thread.ofPlatform().start(rest);
            case VIRTUAL_THREAD -> Thread.ofVirtual().start(rest);
            case WRAPPED_POOL -> PolicyScope.wrap(pool).execute(() -> Thread.ofVirtual().start(rest));
            case SNAPSHOT_POOL -> pool.execute(SNAPSHOTS.captureAll().wrap((Runnable) () -> Thread.ofVirtual().start(rest)));
            case REACTOR_SCHEDULER -> parallel.schedule(() -> Thread.ofVirtual().start(rest));
            case URING_SCHEDULER -> uring.scheduler().schedule(() -> Thread.ofVirtual().start(rest));
        }
    }

    private static Runnable chain(List<Hop> hops, Runnable end) {
        Runnable r = end;
        for (int i = hops.size() - 1; i >= 0; i--) {
            Hop h = hops.get(i);
            Runnable next = r;
            r = () -> hop(h, next);
        }
        return r;
    }

    private record Seen(Optional<RingPolicy> policy, int socket) {
    }

    private static Seen observeAfter(List<Hop> hops, Runnable setUp, CompletableFuture<Seen> out) throws Exception {
        setUp.run();
        return out.get(30, TimeUnit.SECONDS);
    }

    private static Runnable observe(CompletableFuture<Seen> out) {
        return () -> Probes.complete(out, () -> new Seen(PolicyScope.current(), Probes.socketOnNewRing()));
    }

    @Property(tries = 40)
    void nestingAcrossRandomHopsOnlyNarrows(@ForAll("policies") RingPolicy a, @ForAll("policies") RingPolicy b,
            @ForAll @Size(max = 3) List<Hop> before, @ForAll @Size(max = 3) List<Hop> between,
            @ForAll @Size(max = 2) List<Hop> after) throws Exception {
        CompletableFuture<Seen> out = new CompletableFuture<>();
        Seen seen = observeAfter(before, () -> PolicyScope.run(a, chain(before,
                () -> PolicyScope.run(b, chain(between, chain(after, observe(out)))))), out);
        RingPolicy p = seen.policy().orElseThrow(() -> new AssertionError("no policy after " + before + between + after));
        Set<Opcode> both = EnumSet.copyOf(a.sqeOps());
        both.retainAll(b.sqeOps());
        assertThat(p.sqeOps()).as("ops after %s / %s / %s", before, between, after).isEqualTo(both);
        boolean socketAllowed = both.contains(Opcode.SOCKET);
        if (socketAllowed) {
            Probes.assertAllowed(seen.socket());
        } else {
            Probes.assertRefused(seen.socket());
        }
    }

    @Example
    void theSameHopsOutsideAnyScopeCarryNoPolicy() throws Exception {
        for (Hop h : Hop.values()) {
            CompletableFuture<Seen> out = new CompletableFuture<>();
            Seen seen = observeAfter(List.of(h), chain(List.of(h, h), observe(out)), out);
            assertThat(seen.policy()).as("%s", h).isEmpty();
            Probes.assertAllowed(seen.socket());
        }
    }
}
