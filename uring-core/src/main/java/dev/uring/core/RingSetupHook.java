package dev.uring.core;

import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;

/**
 * A service (found with {@link java.util.ServiceLoader}) that every ring creation consults. This
 * is how a module such as uring-policy attaches itself to every ring the process creates,
 * including those made by event loops and higher layers, without uring-core depending on it.
 *
 * <p>A runtime that serves many threads (uring-reactor's {@code Uring}) also asks, per op, which
 * customization is in force on the subscribing thread ({@link #currentKey()}), so that an op
 * subscribed under a policy runs on rings carrying it, whoever created the runtime.
 */
public interface RingSetupHook {
    /**
     * Called on the thread that asks for a ring (where scoped values are bound), before
     * io_uring_setup runs, possibly on another thread.
     *
     * @return a customizer to apply to the ring while it is disabled, or null for none
     */
    @Nullable RingCustomizer capture(RingOptions options);

    /**
     * An opaque key of what {@link #capture} would apply on the calling thread now: null when it
     * would apply nothing, and equal keys ({@link Object#equals}) for equivalent customizations.
     * Called once per op subscribed on a runtime that serves many threads: it must not allocate and
     * should cost about a thread-local read. Null by default.
     */
    default @Nullable Object key() {
        return null;
    }

    /**
     * Calls {@code action} with the customization named by {@code key} (a value {@link #key()}
     * returned, possibly on another thread) added to, never replacing, what is in force on the
     * calling thread; rings and threads created by {@code action} carry both. Calls {@code action}
     * as is by default.
     */
    default <T> T callWith(Object key, Callable<T> action) throws Exception {
        return action.call();
    }

    /**
     * The combined {@link #key()} of every installed hook on the calling thread; null when none
     * applies anything (always null when no hook is installed).
     */
    static @Nullable Object currentKey() {
        return SetupHooks.key();
    }

    /**
     * Calls {@code action} with the customizations named by {@code key} (from {@link #currentKey()},
     * possibly on another thread) added to those in force on the calling thread.
     */
    static <T> T callWithKey(@Nullable Object key, Callable<T> action) throws Exception {
        return SetupHooks.callWith(key, action);
    }
}
