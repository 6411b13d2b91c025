package dev.uring.policy.spring;

import dev.uring.policy.metrics.PolicyMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;

/**
 * Spring Boot auto-configuration of the policy refusal counter ({@link PolicyMetrics}): a
 * {@link MeterBinder} that Spring Boot's metrics support binds to the application's registries when
 * Micrometer (Actuator) is present; unbound when the context closes.
 */
@AutoConfiguration
@ConditionalOnClass(name = "io.micrometer.core.instrument.binder.MeterBinder")
public class PolicyMetricsAutoConfiguration {
    /** Created by Spring. */
    public PolicyMetricsAutoConfiguration() {
    }

    /** The binder; closing it (with the context) unbinds every registry it was bound to. */
    @Bean(destroyMethod = "close")
    public Binder uringPolicyMetrics() {
        return new Binder();
    }

    /** Binds {@link PolicyMetrics} to each registry it is given, and unbinds them on close. */
    public static final class Binder implements MeterBinder, AutoCloseable {
        private final List<MeterRegistry> bound = new CopyOnWriteArrayList<>();

        Binder() {
        }

        @Override
        public void bindTo(MeterRegistry registry) {
            PolicyMetrics.bindTo(registry);
            bound.add(registry);
        }

        @Override
        public void close() {
            for (MeterRegistry r : bound) {
                PolicyMetrics.unbind(r);
            }
            bound.clear();
        }
    }
}
