package dev.uring.policy.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.uring.policy.PolicyProfiles;
import dev.uring.policy.PolicyScope;
import dev.uring.reactor.Uring;
import dev.uring.reactor.file.ReactiveFile;
import dev.uring.reactor.metrics.UringMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The refusal counter against a real registry, next to a runtime's own meters. */
class PolicyMetricsTest {
    @TempDir
    Path dir;

    @Test
    void mRefusalsAreCountedByPolicyOpAndLayer() throws Exception {
        int m = 7;
        Path file = Files.write(dir.resolve("ro"), new byte[16]);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        PolicyMetrics.bindTo(registry);
        try (Uring uring = PolicyScope.call(PolicyProfiles.builtIn("read-only-files"), () -> Uring.create(1))
                .metrics(registry)) {
            for (int i = 0; i < m; i++) {
                // OPENAT is allowed, but the profile's argument filter refuses an open for write
                assertThatThrownBy(() -> ReactiveFile.open(uring, file, StandardOpenOption.WRITE).block())
                        .hasCauseInstanceOf(AccessDeniedException.class);
            }
            double refusals = registry.find(PolicyMetrics.REFUSALS).tags("op", "OPENAT", "layer", "FILTER").counters()
                    .stream().mapToDouble(Counter::count).sum();
            assertThat(refusals).isEqualTo(m);
            assertThat(registry.find(PolicyMetrics.REFUSALS).counters()).allSatisfy(c ->
                    assertThat(c.getId().getTag("policy")).isEqualTo("read-only-files"));
            long deadline = System.nanoTime() + 10_000_000_000L;
            double eacces;
            do {
                eacces = registry.find(UringMetrics.PREFIX + "ops.errors").tags("errno", "EACCES").functionCounters()
                        .stream().mapToDouble(FunctionCounter::count).sum();
            } while (eacces < m && System.nanoTime() < deadline);
            assertThat(eacces).as("the runtime's own errno count agrees").isEqualTo(m);
        } finally {
            PolicyMetrics.unbind(registry);
        }
    }
}
