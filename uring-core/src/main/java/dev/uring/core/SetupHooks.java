package dev.uring.core;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.ServiceLoader;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;

/** Loads the {@link RingSetupHook} services once and asks them for customizers and keys. */
final class SetupHooks {
    private static final RingSetupHook[] HOOKS = load();

    private SetupHooks() {
    }

    private static RingSetupHook[] load() {
        List<RingSetupHook> hooks = new ArrayList<>();
        ServiceLoader.load(RingSetupHook.class, SetupHooks.class.getClassLoader()).forEach(hooks::add);
        return hooks.toArray(new RingSetupHook[0]);
    }

    static List<RingCustomizer> capture(RingOptions options) {
        List<RingCustomizer> out = new ArrayList<>();
        for (RingSetupHook hook : HOOKS) {
            RingCustomizer c = hook.capture(options);
            if (c != null) {
                out.add(c);
            }
        }
        return out;
    }

    /** One hook (the usual case): its key as is; several: a list of their keys, or null when all are null. */
    static @Nullable Object key() {
        RingSetupHook[] hooks = HOOKS;
        if (hooks.length == 0) {
            return null;
        }
        if (hooks.length == 1) {
            return hooks[0].key();
        }
        Object[] keys = new Object[hooks.length];
        boolean any = false;
        for (int i = 0; i < hooks.length; i++) {
            keys[i] = hooks[i].key();
            any |= keys[i] != null;
        }
        return any ? Arrays.asList(keys) : null;
    }

    static <T> T callWith(@Nullable Object key, Callable<T> action) throws Exception {
        RingSetupHook[] hooks = HOOKS;
        if (key == null || hooks.length == 0) {
            return action.call();
        }
        if (hooks.length == 1) {
            return hooks[0].callWith(key, action);
        }
        List<?> keys = (List<?>) key;
        Callable<T> chain = action;
        for (int i = hooks.length - 1; i >= 0; i--) {
            Object k = keys.get(i);
            if (k != null) {
                RingSetupHook hook = hooks[i];
                Callable<T> inner = chain;
                chain = () -> hook.callWith(k, inner);
            }
        }
        return chain.call();
    }
}
