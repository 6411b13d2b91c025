package dev.uring.core;

import org.jspecify.annotations.Nullable;

/**
 * A service (found with {@link java.util.ServiceLoader}) that every ring creation consults. This
 * is how a module such as uring-policy attaches itself to every ring the process creates,
 * including those made by event loops and higher layers, without uring-core depending on it.
 */
public interface RingSetupHook {
    /**
     * Called on the thread that asks for a ring (where scoped values are bound), before
     * io_uring_setup runs, possibly on another thread.
     *
     * @return a customizer to apply to the ring while it is disabled, or null for none
     */
    @Nullable RingCustomizer capture(RingOptions options);
}
