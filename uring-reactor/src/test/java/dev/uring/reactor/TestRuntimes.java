package dev.uring.reactor;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The runtime of a test class, as a field JUnit closes after the class's last test:
 * {@code @AutoClose static final Uring uring = TestRuntimes.create(2);}.
 */
public final class TestRuntimes {
    private TestRuntimes() {
    }

    /** A runtime of {@code loops} loops; unchecked, so that a static field initialiser can make one. */
    public static Uring create(int loops) {
        try {
            return Uring.create(loops);
        } catch (IOException e) {
            throw new UncheckedIOException("io_uring is needed by this test class", e);
        }
    }
}
