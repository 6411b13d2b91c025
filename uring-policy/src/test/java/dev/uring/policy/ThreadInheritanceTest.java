package dev.uring.policy;

import static dev.uring.policy.Probes.SANDBOX;
import static dev.uring.policy.Probes.assertAllowed;
import static dev.uring.policy.Probes.assertRefused;
import static dev.uring.policy.Probes.onNewThread;
import static dev.uring.policy.Probes.socketOnNewRing;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.context.ContextExecutorService;
import io.micrometer.context.ContextSnapshot;
import io.micrometer.context.ContextSnapshotFactory;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A policy follows work onto threads the way the kernel's restrictions follow fork: each way Java
 * starts work, from inside a scope (the kernel refuses SOCKET on a ring opened there) and from
 * outside any scope (allowed).
 */
@Timeout(60)
class ThreadInheritanceTest {
    @Test
    void aPlatformThreadStartedInAScopeOpensRestrictedRingsAndOneStartedOutsideDoesNot() throws Exception {
        assertRefused(PolicyScope.call(SANDBOX, () -> onNewThread(Thread.ofPlatform(), Probes::socketOnNewRing)));
        assertAllowed(onNewThread(Thread.ofPlatform(), Probes::socketOnNewRing));
    }

    @Test
    void aThreadConstructedWithNewThreadInAScopeKeepsThePolicyAfterTheScopeEnds() throws Exception {
        CompletableFuture<Integer> res = new CompletableFuture<>();
        Thread t = PolicyScope.call(SANDBOX, () -> new Thread(() -> Probes.complete(res, Probes::socketOnNewRing)));
        assertThat(PolicyScope.current()).isEmpty();
        t.start();   // started outside the scope: the policy was captured at construction
        assertRefused(res.get(30, TimeUnit.SECONDS));
    }

    @Test
    void aVirtualThreadStartedInAScopeOpensRestrictedRingsAndOneStartedOutsideDoesNot() throws Exception {
        assertRefused(PolicyScope.call(SANDBOX, () -> onNewThread(Thread.ofVirtual(), Probes::socketOnNewRing)));
        assertAllowed(onNewThread(Thread.ofVirtual(), Probes::socketOnNewRing));
    }

    @Test
    void threadsStartedByThreadsStartedInAScopeAreRestrictedToo() throws Exception {
        int res = PolicyScope.call(SANDBOX, () -> onNewThread(Thread.ofVirtual(),
                () -> onNewThread(Thread.ofPlatform(), () -> onNewThread(Thread.ofVirtual(), Probes::socketOnNewRing))));
        assertRefused(res);
    }

    @Test
    void aThreadCannotLiftThePolicyItWasConstructedUnder() throws Exception {
        int[] res = PolicyScope.call(SANDBOX, () -> onNewThread(Thread.ofPlatform(), () -> {
            int wider = PolicyScope.call(RingPolicy.allowAll(), Probes::socketOnNewRing);
            // context-propagation's resets cannot lift it either
            PolicyThreadLocalAccessor accessor = new PolicyThreadLocalAccessor();
            accessor.reset();
            accessor.restore();
            accessor.setValue();
            accessor.restore(RingPolicy.allowAll());
            accessor.restore(RingPolicy.allowAll());
            int afterResets = socketOnNewRing();
            return new int[] {wider, afterResets};
        }));
        assertRefused(res[0]);
        assertRefused(res[1]);
    }

    @Test
    void aPoolCreatedInAScopeRunsItsTasksRestrictedAndOneCreatedOutsideDoesNot() throws Exception {
        ExecutorService inside = PolicyScope.call(SANDBOX, () -> {
            ThreadPoolExecutor pool = (ThreadPoolExecutor) Executors.newFixedThreadPool(2);
            // a pool makes its threads when a task needs one, on the submitting thread: here, all now
            pool.prestartAllCoreThreads();
            return pool;
        });
        ExecutorService outside = Executors.newFixedThreadPool(2);
        try {
            // whoever submits afterwards, the pool's threads carry the scope's policy for life
            assertRefused(inside.submit(Probes::socketOnNewRing).get(30, TimeUnit.SECONDS));
            assertAllowed(outside.submit(Probes::socketOnNewRing).get(30, TimeUnit.SECONDS));
        } finally {
            inside.shutdownNow();
            outside.shutdownNow();
        }
    }

    @Test
    void aVirtualThreadPerTaskExecutorCreatedInAScopeRunsItsTasksRestricted() throws Exception {
        try (ExecutorService pool = PolicyScope.call(SANDBOX, Executors::newVirtualThreadPerTaskExecutor)) {
            // each task's virtual thread is constructed by the submitting thread: submitted inside, restricted
            assertRefused(PolicyScope.call(SANDBOX, () -> pool.submit(Probes::socketOnNewRing)).get(30, TimeUnit.SECONDS));
            // submitted from outside any scope, by the kernel's rule (fork), it is not
            assertAllowed(pool.submit(Probes::socketOnNewRing).get(30, TimeUnit.SECONDS));
        }
    }

    @Test
    void aTaskHandedToAPoolMadeOutsideAnyScopeCarriesThePolicyWhenWrapped() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(1);
        try {
            pool.submit(() -> { }).get();   // the worker exists, made outside any scope
            CompletableFuture<Integer> wrapped = new CompletableFuture<>();
            PolicyScope.run(SANDBOX, () -> PolicyScope.wrap(pool).execute(() -> Probes.complete(wrapped, Probes::socketOnNewRing)));
            assertRefused(wrapped.get(30, TimeUnit.SECONDS));
            assertRefused(pool.submit(PolicyScope.call(SANDBOX, () -> PolicyScope.wrap(Probes::socketOnNewRing)))
                    .get(30, TimeUnit.SECONDS));
            // the worker is not left restricted: the next task from outside any scope is allowed
            assertAllowed(pool.submit(Probes::socketOnNewRing).get(30, TimeUnit.SECONDS));
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void anUnwrappedTaskHandedToAPoolThreadMadeOutsideAnyScopeRunsUnderThatThreadsPolicy() throws Exception {
        // the documented boundary, as with the kernel's restrictions (work handed to an existing task
        // is not a fork): without wrap, a snapshot or the Reactor hook, the pool thread's own policy applies
        ExecutorService pool = Executors.newFixedThreadPool(1);
        try {
            pool.submit(() -> { }).get();
            assertAllowed(PolicyScope.call(SANDBOX, () -> pool.submit(Probes::socketOnNewRing)).get(30, TimeUnit.SECONDS));
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void theCommonForkJoinPoolRunsTasksOfAScopeRestrictedWhenWrappedOrSnapshotted() throws Exception {
        // its workers never inherit (the JDK builds them without inheritable thread-locals)
        assertAllowed(CompletableFuture.supplyAsync(Probes::socketOnNewRing).get(30, TimeUnit.SECONDS));
        assertRefused(PolicyScope.call(SANDBOX, () -> CompletableFuture.supplyAsync(Probes::socketOnNewRing,
                PolicyScope.wrap(ForkJoinPool.commonPool()))).get(30, TimeUnit.SECONDS));
        ContextSnapshotFactory snapshots = ContextSnapshotFactory.builder().build();
        CompletableFuture<Integer> snap = new CompletableFuture<>();
        PolicyScope.run(SANDBOX, () -> {
            ContextSnapshot s = snapshots.captureAll();
            ForkJoinPool.commonPool().execute(s.wrap(() -> Probes.complete(snap, Probes::socketOnNewRing)));
        });
        assertRefused(snap.get(30, TimeUnit.SECONDS));
        assertAllowed(CompletableFuture.supplyAsync(Probes::socketOnNewRing).get(30, TimeUnit.SECONDS));
    }

    @Test
    void aContextSnapshotExecutorMadeOutsideAnyScopeRunsTasksSubmittedInAScopeRestricted() throws Exception {
        ExecutorService raw = Executors.newFixedThreadPool(1);
        ExecutorService pool = ContextExecutorService.wrap(raw, () -> ContextSnapshotFactory.builder().build().captureAll());
        try {
            raw.submit(() -> { }).get();
            assertRefused(PolicyScope.call(SANDBOX, () -> pool.submit(Probes::socketOnNewRing)).get(30, TimeUnit.SECONDS));
            assertAllowed(pool.submit(Probes::socketOnNewRing).get(30, TimeUnit.SECONDS));
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aSnapshotTakenOutsideAnyScopeDoesNotLiftARestrictedThread() throws Exception {
        ContextSnapshot none = ContextSnapshotFactory.builder().clearMissing(true).build().captureAll();
        int res = PolicyScope.call(SANDBOX, () -> onNewThread(Thread.ofPlatform(), () -> {
            try (ContextSnapshot.Scope s = none.setThreadLocals()) {
                return socketOnNewRing();
            }
        }));
        assertRefused(res);
    }

    @Test
    void nestedScopesOnAnotherThreadStillOnlyNarrow() throws Exception {
        RingPolicy noSockets = PolicyProfiles.builtIn("no-network");
        CountDownLatch done = new CountDownLatch(1);
        int[] res = new int[2];
        PolicyScope.run(Probes.sandbox("outer"), () -> Thread.ofVirtual().start(() -> {
            res[0] = PolicyScope.call(noSockets, () -> PolicyScope.current().orElseThrow().permits(dev.uring.core.Opcode.OPENAT) ? 1 : 0);
            res[1] = socketOnNewRing();
            done.countDown();
        }));
        assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();
        assertThat(res[0]).as("OPENAT, denied by the outer scope, stays denied in the thread's nested scope").isZero();
        assertRefused(res[1]);
    }
}
