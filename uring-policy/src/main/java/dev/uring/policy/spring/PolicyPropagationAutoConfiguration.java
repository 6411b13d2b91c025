package dev.uring.policy.spring;

import dev.uring.policy.PolicyPropagation;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import reactor.core.publisher.Hooks;

/**
 * Spring Boot auto-configuration of uring-policy: policies follow work across Reactor's scheduler
 * hops. It installs {@link PolicyPropagation#installReactorHook()} (every task a scheduler runs
 * carries the policy of the thread that scheduled it) and, when Micrometer's context-propagation
 * library is present, switches Reactor's automatic context propagation on
 * ({@link Hooks#enableAutomaticContextPropagation()}), so that a policy captured into a Reactor
 * {@code Context} ({@code contextCapture()}) is in force in every operator downstream. Both are
 * undone when the context closes. Off with {@value #ENABLED_PROPERTY}{@code =false}; the automatic
 * context propagation alone (which costs Reactor some work per signal that crosses threads) off with
 * {@value #AUTOMATIC_PROPERTY}{@code =false}, keeping the scheduler hook.
 */
@AutoConfiguration
@ConditionalOnClass(name = "reactor.core.scheduler.Schedulers")
@ConditionalOnProperty(name = PolicyPropagationAutoConfiguration.ENABLED_PROPERTY, havingValue = "true",
        matchIfMissing = true)
public class PolicyPropagationAutoConfiguration {
    /** The property that switches policy propagation off. */
    public static final String ENABLED_PROPERTY = "reactive-uring.policy.propagation.enabled";
    /** The property that leaves Reactor's automatic context propagation off. */
    public static final String AUTOMATIC_PROPERTY = "reactive-uring.policy.propagation.automatic-context";

    /** Created by Spring. */
    public PolicyPropagationAutoConfiguration() {
    }

    /** The installed hooks; closing it (with the context) removes them. */
    @Bean(destroyMethod = "close")
    public Installed uringPolicyPropagation(org.springframework.core.env.Environment environment) {
        PolicyPropagation.installReactorHook();
        boolean automatic = environment.getProperty(AUTOMATIC_PROPERTY, Boolean.class, true)
                && isPresent("io.micrometer.context.ContextRegistry");
        if (automatic) {
            Hooks.enableAutomaticContextPropagation();
        }
        return new Installed(automatic);
    }

    private static boolean isPresent(String className) {
        try {
            Class.forName(className, false, PolicyPropagationAutoConfiguration.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    /** What {@link #uringPolicyPropagation} switched on; {@link #close()} switches it off. */
    public static final class Installed implements AutoCloseable {
        private final boolean automaticContextPropagation;

        Installed(boolean automaticContextPropagation) {
            this.automaticContextPropagation = automaticContextPropagation;
        }

        /** Whether Reactor's automatic context propagation was switched on. */
        public boolean automaticContextPropagation() {
            return automaticContextPropagation;
        }

        @Override
        public void close() {
            PolicyPropagation.uninstallReactorHook();
            if (automaticContextPropagation) {
                Hooks.disableAutomaticContextPropagation();
            }
        }
    }
}
