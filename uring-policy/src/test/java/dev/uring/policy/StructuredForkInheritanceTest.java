package dev.uring.policy;

import static dev.uring.policy.Probes.SANDBOX;
import static dev.uring.policy.Probes.assertAllowed;
import static dev.uring.policy.Probes.assertRefused;

import java.util.concurrent.StructuredTaskScope;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Structured forks (a preview API in JDK 25, so this class is compiled and run with
 * {@code --enable-preview}): they carry the policy through the {@link ScopedValue}, even when their
 * thread factory turns inheritable thread-locals off.
 */
@Timeout(60)
class StructuredForkInheritanceTest {
    @Test
    void aStructuredForkInAScopeOpensRestrictedRingsAndOneOutsideDoesNot() throws Exception {
        assertRefused(PolicyScope.call(SANDBOX, StructuredForkInheritanceTest::forkProbe));
        assertAllowed(forkProbe());
    }

    @Test
    void aStructuredForkWhoseThreadsInheritNoThreadLocalsIsStillRestrictedByTheScopedValue() throws Exception {
        assertRefused(PolicyScope.call(SANDBOX, () -> {
            try (var scope = StructuredTaskScope.open(StructuredTaskScope.Joiner.<Integer>awaitAllSuccessfulOrThrow(),
                    cf -> cf.withThreadFactory(Thread.ofVirtual().inheritInheritableThreadLocals(false).factory()))) {
                StructuredTaskScope.Subtask<Integer> t = scope.fork(Probes::socketOnNewRing);
                scope.join();
                return t.get();
            }
        }));
    }

    private static int forkProbe() throws InterruptedException {
        try (var scope = StructuredTaskScope.open(StructuredTaskScope.Joiner.<Integer>awaitAllSuccessfulOrThrow())) {
            StructuredTaskScope.Subtask<Integer> t = scope.fork(Probes::socketOnNewRing);
            scope.join();
            return t.get();
        }
    }
}
