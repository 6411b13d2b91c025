package dev.uring.reactor.spring;

import dev.uring.core.IoUring;
import java.util.concurrent.atomic.AtomicBoolean;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Matches when io_uring is usable in this process ({@link IoUring#isAvailable()}), or when
 * {@value UringWebFluxAutoConfiguration#REQUIRED_PROPERTY} is true (the runtime bean then fails
 * startup with the cause). When it does not match it logs one WARN line with the cause and the fix,
 * and the application runs on WebFlux's stock path.
 */
final class UringAvailableCondition extends SpringBootCondition {
    private static final System.Logger LOG = System.getLogger(UringWebFluxAutoConfiguration.class.getName());
    private static final AtomicBoolean WARNED = new AtomicBoolean();

    @Override
    public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
        if (IoUring.isAvailable()) {
            return ConditionOutcome.match("io_uring is available");
        }
        if (context.getEnvironment().getProperty(UringWebFluxAutoConfiguration.REQUIRED_PROPERTY, Boolean.class, false)) {
            return ConditionOutcome.match(UringWebFluxAutoConfiguration.REQUIRED_PROPERTY
                    + "=true: the runtime is created, and fails, although io_uring is unavailable");
        }
        String cause = String.valueOf(IoUring.unavailabilityCause() == null ? null : IoUring.unavailabilityCause().getMessage());
        if (WARNED.compareAndSet(false, true)) {
            LOG.log(System.Logger.Level.WARNING, "reactive-uring is off: io_uring is unusable here ({0}). WebFlux runs on "
                    + "its stock path; set {1}=true to fail startup instead", cause,
                    UringWebFluxAutoConfiguration.REQUIRED_PROPERTY);
        }
        return ConditionOutcome.noMatch("io_uring is unavailable: " + cause);
    }
}
