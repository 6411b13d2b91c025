package dev.uring.policy;

import dev.uring.core.RingCustomizer;
import dev.uring.core.RingOptions;
import dev.uring.core.RingSetupHook;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;

/**
 * The {@link RingSetupHook} service through which uring-core applies {@link PolicyScope}'s current
 * policy to every ring created, by whichever layer. Found by {@link java.util.ServiceLoader}. Its
 * {@link #key()} is the policy in force on the calling thread (the base policy aside, which every
 * ring gets anyway), so that a runtime serving many threads can route an op to rings of that policy.
 */
public final class PolicyRingSetupHook implements RingSetupHook {
    /** Instantiated by {@link java.util.ServiceLoader}. */
    public PolicyRingSetupHook() {
    }

    @Override
    public @Nullable RingCustomizer capture(RingOptions options) {
        return PolicyScope.current().map(PolicyCustomizer::of).orElse(null);
    }

    /** The {@link RingPolicy} in force on this thread, the base aside; null for none. One thread-local read. */
    @Override
    public @Nullable Object key() {
        return PolicyScope.key();
    }

    /** Calls {@code action} inside a scope of {@code key}, a {@link RingPolicy} that {@link #key()} returned. */
    @Override
    public <T> T callWith(Object key, Callable<T> action) throws Exception {
        if (!(key instanceof RingPolicy policy)) {
            throw new IllegalArgumentException("not a key of this hook: " + key);
        }
        return PolicyScope.call(policy, action::call);
    }
}
