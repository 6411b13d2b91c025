package dev.uring.policy;

import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;

/**
 * Inherited ring policies, in the manner of the kernel's per-task io_uring restrictions, which
 * follow fork: every ring created by code inside a scope, or by any thread started (transitively)
 * from inside it, carries the intersection of the process-wide base policy and every enclosing
 * scope. A nested scope can only narrow: what an outer scope denies stays denied.
 *
 * <p>How a policy reaches work started in a scope:
 * <ul>
 *   <li>the call stack and the forks of a {@link java.util.concurrent.StructuredTaskScope}: a
 *       {@link ScopedValue};</li>
 *   <li>any thread, platform or virtual, <em>constructed</em> while a policy is in force: the
 *       thread keeps that policy for its whole life (captured the way an
 *       {@link InheritableThreadLocal} is), as a floor that nothing run on it can lift; a scope it
 *       enters later narrows it further. Pool threads created lazily inside a scope therefore stay
 *       restricted for every later task, whoever submits it. A thread built with
 *       {@code inheritInheritableThreadLocals(false)} (as the JDK builds the common
 *       {@link java.util.concurrent.ForkJoinPool}'s workers) opts out of this capture;</li>
 *   <li>work handed to a thread that already exists (a pool created outside any scope, a Reactor
 *       scheduler): only when the hand-over carries the policy, with {@link #wrap(Runnable)} /
 *       {@link #wrap(Executor)}, with Micrometer's context-propagation (a
 *       {@code ContextSnapshot}, Reactor's {@code contextCapture()} or automatic context
 *       propagation) through {@link PolicyThreadLocalAccessor}, or through Reactor's schedulers
 *       once {@link PolicyPropagation#installReactorHook()} ran. A hand-over that carries it
 *       narrows the receiving thread for the task and restores it afterwards, never below the
 *       thread's own floor;</li>
 *   <li>the framework's own threads: an event loop or group created in a scope runs on threads
 *       constructed there, so every ring opened on them is restricted too; uring-reactor's runtimes
 *       route an op subscribed under a policy to rings carrying it ({@link #key()}).</li>
 * </ul>
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
    private static final ScopedValue<RingPolicy> SCOPED = ScopedValue.newInstance();
    private static final AtomicReference<@Nullable RingPolicy> BASE = new AtomicReference<>();
    /**
     * The policy in force on each thread (the base aside), as a stack of frames whose bottom is the
     * thread's floor: the policy in force where the thread was constructed. A thread that never saw
     * one starts from the scoped value (a structured fork whose thread did not inherit) or nothing.
     */
    private static final InheritableThreadLocal<Frame> IN_FORCE = new InheritableThreadLocal<>() {
        @Override
        protected Frame initialValue() {
            return SCOPED.isBound() ? new Frame(SCOPED.get(), null, false) : Frame.NONE;
        }

        @Override
        protected Frame childValue(Frame parent) {
            return parent.policy == null ? Frame.NONE : new Frame(parent.policy, null, false);
        }
    };

    private PolicyScope() {
    }

    /** Runs {@code action} with {@code policy} narrowing the enclosing policy. */
    public static void run(RingPolicy policy, Runnable action) {
        Objects.requireNonNull(action, "action");
        Frame outer = IN_FORCE.get();
        RingPolicy effective = narrowed(outer, policy);
        IN_FORCE.set(new Frame(effective, outer, false));
        try {
            ScopedValue.where(SCOPED, effective).run(action);
        } finally {
            IN_FORCE.set(outer);
        }
    }

    /** Calls {@code action} with {@code policy} narrowing the enclosing policy, and returns its result. */
    public static <T, X extends Throwable> T call(RingPolicy policy, ScopedValue.CallableOp<T, X> action) throws X {
        Objects.requireNonNull(action, "action");
        Frame outer = IN_FORCE.get();
        RingPolicy effective = narrowed(outer, policy);
        IN_FORCE.set(new Frame(effective, outer, false));
        try {
            return ScopedValue.where(SCOPED, effective).call(action);
        } finally {
            IN_FORCE.set(outer);
        }
    }

    /**
     * {@code task} carrying the policy in force here (the base aside), to run on another thread: there
     * it narrows that thread's policy while it runs. {@code task} itself when no policy is in force.
     */
    public static Runnable wrap(Runnable task) {
        Objects.requireNonNull(task, "task");
        RingPolicy p = IN_FORCE.get().policy;
        return p == null ? task : () -> run(p, task);
    }

    /** {@link #wrap(Runnable)} for a {@link Callable}. */
    public static <T> Callable<T> wrap(Callable<T> task) {
        Objects.requireNonNull(task, "task");
        RingPolicy p = IN_FORCE.get().policy;
        return p == null ? task : () -> call(p, task::call);
    }

    /**
     * An executor that hands {@code executor} each task wrapped ({@link #wrap(Runnable)}) with the
     * policy in force where {@code execute} is called: a pool created outside any scope then runs
     * the tasks a scope submits under that scope's policy.
     */
    public static Executor wrap(Executor executor) {
        Objects.requireNonNull(executor, "executor");
        return task -> executor.execute(wrap(task));
    }

    /**
     * Sets the process-wide base policy, which every ring gets whether or not a scope is bound. Like
     * the kernel's task restrictions it can be set once and never relaxed.
     *
     * @throws IllegalStateException when a base policy is already set
     */
    public static void setBasePolicy(RingPolicy policy) {
        if (!BASE.compareAndSet(null, Objects.requireNonNull(policy, "policy"))) {
            throw new IllegalStateException("a base ring policy is already set (" + BASE.get().name()
                    + "); it cannot be replaced or relaxed");
        }
    }

    /** The process-wide base policy, if set. */
    public static Optional<RingPolicy> basePolicy() {
        return Optional.ofNullable(BASE.get());
    }

    /**
     * The policy rings created now on this thread get: the base policy narrowed by the thread's
     * own (from its construction) and every enclosing scope, or empty when none exists.
     */
    public static Optional<RingPolicy> current() {
        RingPolicy p = IN_FORCE.get().policy;
        if (SCOPED.isBound()) {
            RingPolicy s = SCOPED.get();
            if (p == null) {
                p = s;
            } else if (s != p && !p.isNarrowerOrEqual(s)) {
                p = p.narrow(s);
            }
        }
        RingPolicy base = BASE.get();
        if (base != null) {
            // a base set after this scope was entered still applies
            p = p == null ? base : p.narrow(base);
        }
        return Optional.ofNullable(p);
    }

    /**
     * The policy in force on this thread without the base policy (which applies everywhere), null
     * for none: what {@link PolicyRingSetupHook#key()} answers. One thread-local read.
     */
    static @Nullable RingPolicy key() {
        return IN_FORCE.get().policy;
    }

    /**
     * Narrows this thread by {@code policy} until {@link #popHandOver()}: for hand-overs
     * (context-propagation) that cannot run the task inside {@link #run}.
     */
    static void pushHandOver(@Nullable RingPolicy policy) {
        Frame top = IN_FORCE.get();
        IN_FORCE.set(new Frame(policy == null ? top.policy : narrowed(top, policy), top, true));
    }

    /**
     * Undoes the latest {@link #pushHandOver}; does nothing when the top frame is not a hand-over
     * (a scope's, or the thread's floor): a restore can never lift a thread above what its scopes
     * and its construction impose.
     */
    static void popHandOver() {
        Frame top = IN_FORCE.get();
        if (top.handOver && top.prior != null) {
            IN_FORCE.set(top.prior);
        }
    }

    private static RingPolicy narrowed(Frame outer, RingPolicy policy) {
        Objects.requireNonNull(policy, "policy");
        RingPolicy p = outer.policy;
        return p == null ? policy : p.narrow(policy);
    }

    /** One level of the policy in force on a thread; {@code prior} null at the thread's floor. */
    private record Frame(@Nullable RingPolicy policy, @Nullable Frame prior, boolean handOver) {
        static final Frame NONE = new Frame(null, null, false);
    }
}
