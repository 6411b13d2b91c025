package dev.uring.reactor.op;

import java.util.Objects;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Where the file and socket packages find the {@link OpRuntime} behind a public {@code Uring}
 * without it exporting one: {@code Uring} installs the lookup from its static initialiser (the
 * JDK's SharedSecrets pattern). Typed {@code Object} so that this package imports nothing above it.
 */
public final class Runtimes {
    private static volatile @Nullable Function<Object, OpRuntime> lookup;

    private Runtimes() {
    }

    /** Called once, by {@code Uring}'s static initialiser. */
    public static void install(Function<Object, OpRuntime> f) {
        lookup = Objects.requireNonNull(f, "f");
    }

    /** The op runtime of {@code uring} (a {@code dev.uring.reactor.Uring}). */
    public static OpRuntime of(Object uring) {
        Objects.requireNonNull(uring, "uring");
        Function<Object, OpRuntime> f = lookup;
        if (f == null) {
            // an instance exists, so its class was initialised and installed the lookup
            throw new IllegalStateException("no io_uring runtime class initialised");
        }
        return f.apply(uring);
    }
}
