package dev.uring.policy;

import dev.uring.core.RingCustomizer;
import dev.uring.core.RingOptions;
import dev.uring.core.RingSetupHook;
import org.jspecify.annotations.Nullable;

/**
 * The {@link RingSetupHook} service through which uring-core applies {@link PolicyScope}'s current
 * policy to every ring created, by whichever layer. Found by {@link java.util.ServiceLoader}.
 */
public final class PolicyRingSetupHook implements RingSetupHook {
    /** Instantiated by {@link java.util.ServiceLoader}. */
    public PolicyRingSetupHook() {
    }

    @Override
    public @Nullable RingCustomizer capture(RingOptions options) {
        return PolicyScope.current().map(PolicyCustomizer::of).orElse(null);
    }
}
