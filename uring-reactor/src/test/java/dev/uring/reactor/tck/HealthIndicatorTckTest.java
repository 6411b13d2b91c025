package dev.uring.reactor.tck;

import dev.uring.reactor.spring.UringHealthIndicator;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import org.springframework.boot.health.contributor.Health;

/**
 * {@link UringHealthIndicator#health()}: a NOP through every loop, as one {@code Health}. It has no
 * failed form (a closed runtime or a dead loop is a DOWN health, not an error), so the TCK skips
 * the rules on a failed publisher.
 */
public class HealthIndicatorTckTest extends MonoVerification<Health> {
    private UringHealthIndicator indicator;

    @Override
    void prepare() {
        indicator = new UringHealthIndicator(fx.uring);
    }

    @Override
    Publisher<Health> value() {
        return indicator.health();
    }

    @Override
    @Nullable Publisher<Health> failed() {
        return null;
    }
}
