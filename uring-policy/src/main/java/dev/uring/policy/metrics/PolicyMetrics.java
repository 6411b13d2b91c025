package dev.uring.policy.metrics;

import dev.uring.policy.PolicyViolation;
import dev.uring.policy.PolicyViolations;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * {@code reactive.uring.policy.refusals} (counter, tags {@code policy}, {@code op}, {@code layer}):
 * the operations ring policies refused, counted from {@link PolicyViolations}' listener (refusals
 * are rare, so each one is a Micrometer increment). One listener per registry, however many
 * runtimes bind to it. In a Spring Boot application with a {@code MeterRegistry} the policy module's
 * auto-configuration binds it; otherwise call {@link #bindTo}. Next to the runtime's meters
 * ({@code dev.uring.reactor.metrics.UringMetrics}), in this module so that uring-reactor does not
 * depend on uring-policy.
 */
public final class PolicyMetrics {
    /** The counter's name. */
    public static final String REFUSALS = "reactive.uring.policy.refusals";
    private static final Map<MeterRegistry, PolicyViolations.Registration> BOUND =
            Collections.synchronizedMap(new WeakHashMap<>());

    private PolicyMetrics() {
    }

    /** Counts every refusal from now on in {@code registry}; binding the same registry again does nothing. */
    public static void bindTo(MeterRegistry registry) {
        BOUND.computeIfAbsent(registry, r -> PolicyViolations.addListener(v -> refused(r, v)));
    }

    /** Stops counting refusals in {@code registry}. */
    public static void unbind(MeterRegistry registry) {
        PolicyViolations.Registration r = BOUND.remove(registry);
        if (r != null) {
            r.close();
        }
    }

    private static void refused(MeterRegistry registry, PolicyViolation v) {
        Counter.builder(REFUSALS)
                .description("io_uring operations a ring policy refused")
                .tag("policy", v.policy().isEmpty() ? "none" : v.policy())
                .tag("op", v.op())
                .tag("layer", v.layer().name())
                .register(registry)
                .increment();
    }
}
