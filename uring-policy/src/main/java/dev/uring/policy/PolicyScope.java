package dev.uring.policy;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;

/**
 * Inherited ring policies, in the manner of the kernel's per-task io_uring restrictions: every ring
 * created while a scope is bound (by {@link dev.uring.core.Ring#open}, an
 * {@link dev.uring.core.loop.EventLoop} or an {@link dev.uring.core.loop.EventLoopGroup} started in
 * it, or any layer above) carries the intersection of the process-wide base policy and every
 * enclosing scope. A nested scope can only narrow: what an outer scope denies stays denied.
 *
 * <p>Scopes ride on {@link ScopedValue}, so they follow the call stack and the threads of a
 * {@link java.util.concurrent.StructuredTaskScope} opened inside them; an event loop captures the
 * policy of the thread that creates it.
 *
 * <pre>{@code
 * RingPolicy readOnly = PolicyProfiles.builtIn("read-only-files");
 * try (EventLoopGroup group = PolicyScope.call(readOnly, () -> EventLoopGroup.create(2))) {
 *     // every ring of the group completes WRITE, SOCKET, CONNECT and an OPENAT for writing
 *     // with -EACCES; AccessDenials.forCompletion(ring, op, userData) says which rule refused it
 * }
 *
 * PolicyScope.run(PolicyProfiles.builtIn("no-network"), () ->
 *         PolicyScope.run(PolicyProfiles.builtIn("network-client"), () -> {
 *             // rings made here allow neither sockets (outer) nor file opens (inner)
 *         }));
 * }</pre>
 */
public final class PolicyScope {
    private static final ScopedValue<RingPolicy> CURRENT = ScopedValue.newInstance();
    private static final AtomicReference<@Nullable RingPolicy> BASE = new AtomicReference<>();

    private PolicyScope() {
    }

    /** Runs {@code action} with {@code policy} narrowing the enclosing policy. */
    public static void run(RingPolicy policy, Runnable action) {
        ScopedValue.where(CURRENT, effectiveWith(policy)).run(action);
    }

    /** Calls {@code action} with {@code policy} narrowing the enclosing policy, and returns its result. */
    public static <T, X extends Throwable> T call(RingPolicy policy, ScopedValue.CallableOp<T, X> action) throws X {
        return ScopedValue.where(CURRENT, effectiveWith(policy)).call(action);
    }

    /**
     * Sets the process-wide base policy, which every ring gets whether or not a scope is bound. Like
     * the kernel's task restrictions it can be set once and never relaxed.
     *
     * @throws IllegalStateException when a base policy is already set
     */
    public static void setBasePolicy(RingPolicy policy) {
        if (!BASE.compareAndSet(null, java.util.Objects.requireNonNull(policy, "policy"))) {
            throw new IllegalStateException("a base ring policy is already set (" + BASE.get().name()
                    + "); it cannot be replaced or relaxed");
        }
    }

    /** The process-wide base policy, if set. */
    public static Optional<RingPolicy> basePolicy() {
        return Optional.ofNullable(BASE.get());
    }

    /**
     * The policy rings created now on this thread get: the base policy narrowed by every enclosing
     * scope, or empty when neither exists.
     */
    public static Optional<RingPolicy> current() {
        RingPolicy base = BASE.get();
        if (CURRENT.isBound()) {
            // a base set after this scope was bound still applies
            return Optional.of(base == null ? CURRENT.get() : CURRENT.get().narrow(base));
        }
        return Optional.ofNullable(base);
    }

    private static RingPolicy effectiveWith(RingPolicy policy) {
        java.util.Objects.requireNonNull(policy, "policy");
        return current().map(outer -> outer.narrow(policy)).orElse(policy);
    }
}
