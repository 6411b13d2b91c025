package dev.uring.reactor.op;

import dev.uring.core.Opcode;
import dev.uring.core.Errors;
import dev.uring.core.Sqe;
import org.jspecify.annotations.Nullable;

/**
 * One single-shot op of one subscription: it owns exactly what the kernel may touch (buffers,
 * paths, a file reference) from {@link #prep} until {@link #release}, which runs after the op's
 * final CQE, or without any CQE when the op was never submitted. Every method but the
 * constructor runs on the loop thread.
 *
 * @param <T> the value the op produces
 */
public interface UringOperation<T> {
    /** Fills the claimed SQE (all but user_data); allocates what the kernel needs. */
    void prep(Sqe sqe);

    /**
     * Whether the op must be prepared and submitted again after a CQE with {@code res} (a short
     * write, a fallback); the op has advanced its own state.
     */
    default boolean again(int res) {
        return false;
    }

    /** Whether {@code res} is a success (a TIMEOUT's expiry, -ETIME, is one). */
    default boolean isSuccess(int res) {
        return res >= 0;
    }

    /** The value for a successful final {@code res >= 0}; null completes the Mono empty. */
    @Nullable T result(int res);

    /** The exception for a failed {@code res < 0}. */
    default Throwable error(int res) {
        return Errors.toException(res, name(), target());
    }

    /** The op this is (for the ring's denial reason, and the default {@link #name()}). */
    Opcode opcode();

    /** The op's name for messages: its opcode's, unless the op says more (a flag, a variant). */
    default String name() {
        return opcode().name();
    }

    /** The file or path involved, for messages; null when none. */
    @Nullable String target();

    /**
     * A CQE arrived for a subscriber that had cancelled: undo what it produced (an fd from a
     * cancelled open is closed here, with an SQE of {@code loop} whose CQE nobody waits for).
     */
    default void discard(int res, dev.uring.core.loop.EventLoop loop) {
    }

    /**
     * A zero-copy send's notification CQE arrived (with {@code res}, see
     * {@link dev.uring.core.ZeroCopyFlags#wasCopied}): the kernel no longer reads the op's buffer.
     * It is the op's final CQE; {@link #again} or {@link #result} follow with the send's result.
     */
    default void notified(int res) {
    }

    /**
     * Whether the op is refused when pinned to a loop of another policy than the subscriber's
     * ({@code Uring#admits}); false for ops that only let go of something (CLOSE), which must never
     * be refused.
     */
    default boolean policyChecked() {
        return true;
    }

    /** Frees the memory and references; runs exactly once. */
    void release();
}
