package dev.uring.reactor.op;

import dev.uring.core.loop.EventLoop;
import dev.uring.core.loop.EventLoopGroup;
import java.nio.file.AccessDeniedException;
import org.jspecify.annotations.Nullable;

/**
 * A runtime as the op framework and the file and socket code see it: where an op goes, whether a
 * pinned loop may serve the subscriber's policy, and the resources closed with the runtime. The
 * public {@code Uring} implements it privately (found with {@link Runtimes#of}), so this package
 * needs nothing of the exported one.
 */
public interface OpRuntime {
    /**
     * The loop an op submitted now goes to: on the runtime of the policy in force here
     * ({@link #routed()}), the caller's own loop, else the next round-robin.
     *
     * @throws IllegalStateException when the runtime is closed
     */
    EventLoop loop();

    /**
     * The runtime an op subscribed now on this thread runs on: this one, or its child for the
     * policy in force here.
     *
     * @throws IllegalStateException when the runtime is closed
     */
    OpRuntime routed();

    /** Whether an op pinned to {@code loop} may run for a subscriber on this thread (its policy). */
    boolean admits(EventLoop loop);

    /** A loop even while the runtime closes: the CLOSEs of what it closes go out on it. */
    EventLoop closingLoop();

    /** The loops. */
    EventLoopGroup group();

    /** Whether the runtime was closed. */
    boolean isClosed();

    /** What the runtime closes when it closes: open files and sockets, per-loop buffer rings. */
    RuntimeResources resources();

    /**
     * The runtime's shared fixed-file table, where files open for more than one op are installed;
     * null when the runtime has none (the default: {@code Uring.fixedFiles} turns it on).
     */
    default dev.uring.core.files.@Nullable FixedFileTable fixedFiles() {
        return null;
    }

    /** A file could not get a fixed slot (refused, table full or closed) and uses its fd: the runtime says so once. */
    default void fixedFileRefused(String path, Throwable why) {
    }

    /** The error of an op refused by {@link #admits}. */
    static AccessDeniedException refusal(String op, @Nullable String target) {
        return new AccessDeniedException(String.valueOf(target), null, op + " refused: it must run on a"
                + " loop made under another policy than the one in force where it was subscribed (open the file,"
                + " connection or server inside the scope that uses it)");
    }
}
