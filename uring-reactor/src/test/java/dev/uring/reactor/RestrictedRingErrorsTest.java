package dev.uring.reactor;

import dev.uring.core.Opcode;
import dev.uring.core.Restriction;
import dev.uring.core.Ring;
import dev.uring.core.RingCustomizer;
import dev.uring.core.loop.EventLoop;
import dev.uring.reactor.file.ReactiveFile;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import reactor.test.StepVerifier;

/** An op the kernel's restrictions refuse fails with an AccessDeniedException that the ring explains. */
class RestrictedRingErrorsTest {
    /** Allows only NOP and says which rule refused anything else. */
    private static final class NopOnly implements RingCustomizer {
        @Override
        public void beforeEnable(Ring ring) throws java.io.IOException {
            ring.registerRestrictions(List.of(Restriction.sqeOp(Opcode.NOP)));
        }

        @Override
        public String completionDenied(Ring ring, Opcode op) {
            return op + " refused by rule nop-only";
        }
    }

    @Test
    @Timeout(30)
    void aRefusedOpenFailsWithTheRulesReason(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("f"), "x");
        try (Uring uring = Uring.create(1, EventLoop.defaultOptions(32).customizer(new NopOnly()))) {
            StepVerifier.create(ReactiveFile.open(uring, file))
                    .expectErrorSatisfies(e -> org.assertj.core.api.Assertions.assertThat(e)
                            .isInstanceOf(AccessDeniedException.class)
                            .hasMessageContaining("OPENAT refused by rule nop-only")
                            .hasMessageContaining(file.toString()))
                    .verify(Duration.ofSeconds(10));
        }
    }
}
