package dev.uring.policy;

import reactor.core.scheduler.Schedulers;

/**
 * Carries policies across Reactor's scheduler hops. Reactor is an optional dependency of this
 * module: call these only when reactor-core is on the class path.
 *
 * <p>{@link #installReactorHook()} registers a {@link Schedulers#onScheduleHook} that wraps every
 * task scheduled while a policy is in force ({@link PolicyScope#wrap(Runnable)}), so that
 * {@code subscribeOn}, {@code publishOn}, {@code delay*} and every other scheduler hop run their
 * work under the policy of the scheduling thread, with no {@code contextCapture()}. A task scheduled
 * outside any scope is left as it is: the hook costs one thread-local read per scheduled task and
 * allocates only under a policy. The Spring Boot auto-configuration
 * ({@code dev.uring.policy.spring.PolicyPropagationAutoConfiguration}) installs it.
 */
public final class PolicyPropagation {
    /** The key of the hook in {@link Schedulers#onScheduleHook}. */
    public static final String HOOK_KEY = "dev.uring.policy";

    private PolicyPropagation() {
    }

    /** Installs the scheduler hook (idempotent: a second call replaces the first). */
    public static void installReactorHook() {
        Schedulers.onScheduleHook(HOOK_KEY, PolicyScope::wrap);
    }

    /** Removes the scheduler hook. */
    public static void uninstallReactorHook() {
        Schedulers.resetOnScheduleHook(HOOK_KEY);
    }
}
