package dev.uring.reactor.op;

import dev.uring.core.Errors;
import dev.uring.core.Sqe;
import org.jspecify.annotations.Nullable;

/**
 * One multishot op of one subscription, armed again after every pause: it owns what the kernel
 * may touch from the first {@link #prep} until {@link #release}, which runs once the op is
 * disarmed (final CQE seen) and the subscription is over. All methods run on the loop thread.
 *
 * @param <T> the items
 */
public interface MultishotOperation<T> {
    /** Fills the claimed SQE to arm (or re-arm) the op. */
    void prep(Sqe sqe);

    /** Whether {@code res} is a success (a TIMEOUT's expiry, -ETIME, is one). */
    default boolean isSuccess(int res) {
        return res >= 0;
    }

    /** The item for a CQE with {@code res >= 0}, or null when it carries none. */
    @Nullable T item(int res, int flags);

    /** The exception for a failed {@code res < 0}. */
    default Throwable error(int res) {
        return Errors.toException(res, name(), null);
    }

    /** The kernel's op name, for messages. */
    String name();

    /** Frees the memory; runs exactly once. */
    void release();
}
