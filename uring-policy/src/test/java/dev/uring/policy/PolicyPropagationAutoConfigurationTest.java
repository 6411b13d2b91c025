package dev.uring.policy;

import static dev.uring.policy.Probes.SANDBOX;
import static dev.uring.policy.Probes.assertAllowed;
import static dev.uring.policy.Probes.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;

import dev.uring.policy.spring.PolicyPropagationAutoConfiguration;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import reactor.core.publisher.Hooks;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/** The Spring auto-configuration switches propagation on for the context's life, and off with it. */
@Timeout(60)
class PolicyPropagationAutoConfigurationTest {
    @Test
    void whileTheContextRunsASchedulerHopCarriesThePolicyAndAfterItClosesItNoLongerDoes() throws Exception {
        Scheduler s = Schedulers.newParallel("autoconfig-test", 1);
        try {
            Mono.fromCallable(() -> 1).subscribeOn(s).block(Duration.ofSeconds(10));   // its thread, made outside
            try (AnnotationConfigApplicationContext context =
                         new AnnotationConfigApplicationContext(PolicyPropagationAutoConfiguration.class)) {
                assertThat(context.getBean(PolicyPropagationAutoConfiguration.Installed.class)
                        .automaticContextPropagation()).isTrue();
                assertThat(Hooks.isAutomaticContextPropagationEnabled()).isTrue();
                assertRefused(PolicyScope.call(SANDBOX, () -> Mono.fromCallable(Probes::socketOnNewRing)
                        .subscribeOn(s).toFuture()).get(30, TimeUnit.SECONDS));
                assertAllowed(Mono.fromCallable(Probes::socketOnNewRing).subscribeOn(s).block(Duration.ofSeconds(30)));
            }
            assertThat(Hooks.isAutomaticContextPropagationEnabled()).isFalse();
            // the hook is gone: an existing thread runs an unwrapped task under its own (no) policy
            assertAllowed(PolicyScope.call(SANDBOX, () -> Mono.fromCallable(Probes::socketOnNewRing)
                    .subscribeOn(s).toFuture()).get(30, TimeUnit.SECONDS));
        } finally {
            s.dispose();
        }
    }
}
