package dev.uring.core;

import org.jspecify.annotations.Nullable;

/**
 * A check run on every SQE of a ring just before it is handed to the kernel. A denied SQE is not
 * submitted as prepared: it completes with {@code -EACCES} like an SQE the kernel's restrictions
 * refused, and {@link Ring#denialReason(long)} tells why until the reap after the one that dispatched
 * that CQE (the ring forgets the reason then, asked or not).
 */
@FunctionalInterface
public interface SubmissionFilter {
    /** Allows everything. */
    SubmissionFilter ALLOW_ALL = sqe -> null;

    /**
     * Checks one prepared SQE.
     *
     * @return null to allow it, or the reason it is denied (naming the op and the rule)
     */
    @Nullable String check(Sqe sqe);
}
