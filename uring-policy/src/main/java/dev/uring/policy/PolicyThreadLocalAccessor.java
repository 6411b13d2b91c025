package dev.uring.policy;

import io.micrometer.context.ThreadLocalAccessor;
import org.jspecify.annotations.Nullable;

/**
 * Micrometer context-propagation's view of the policy in force on a thread, registered through
 * {@code META-INF/services/io.micrometer.context.ThreadLocalAccessor}: a {@code ContextSnapshot}
 * (Reactor's {@code contextCapture()}, automatic context propagation, a
 * {@code ContextSnapshot}-wrapped executor) then carries the policy from the thread that captures to
 * the thread that runs.
 *
 * <p>Setting a value only narrows the receiving thread; {@link #restore} undoes only what a set did,
 * and a set of "no value" keeps the thread's policy: a snapshot taken outside any scope never lifts
 * a thread's own policy (its floor from construction, or a scope it is in).
 */
public final class PolicyThreadLocalAccessor implements ThreadLocalAccessor<RingPolicy> {
    /** The key under which the policy travels in a Reactor {@code Context} or a snapshot. */
    public static final String KEY = "dev.uring.policy";

    /** Instantiated by {@link java.util.ServiceLoader} (context-propagation's registry). */
    public PolicyThreadLocalAccessor() {
    }

    @Override
    public Object key() {
        return KEY;
    }

    /** The policy in force on this thread (the base aside, which applies everywhere); null for none. */
    @Override
    public @Nullable RingPolicy getValue() {
        return PolicyScope.key();
    }

    /** Narrows this thread by {@code value} until {@link #restore}. */
    @Override
    public void setValue(RingPolicy value) {
        PolicyScope.pushHandOver(value);
    }

    /** The snapshot has no policy: the thread keeps its own (a matching frame, so restore stays paired). */
    @Override
    public void setValue() {
        PolicyScope.pushHandOver(null);
    }

    @Override
    public void reset() {
        PolicyScope.popHandOver();
    }

    @Override
    public void restore(RingPolicy previousValue) {
        PolicyScope.popHandOver();
    }

    @Override
    public void restore() {
        PolicyScope.popHandOver();
    }
}
