package dev.uring.core;

import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

/** Loads the {@link RingSetupHook} services once and asks them for customizers. */
final class SetupHooks {
    private static final List<RingSetupHook> HOOKS = load();

    private SetupHooks() {
    }

    private static List<RingSetupHook> load() {
        List<RingSetupHook> hooks = new ArrayList<>();
        ServiceLoader.load(RingSetupHook.class, SetupHooks.class.getClassLoader()).forEach(hooks::add);
        return List.copyOf(hooks);
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
}
