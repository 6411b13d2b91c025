package dev.uring.policy;

import java.time.Instant;
import java.util.Objects;

/**
 * One operation a policy refused, as reported to {@link PolicyViolations} listeners and recorded as a
 * {@link PolicyViolationEvent}.
 *
 * @param time   when the denial was decided (FILTER) or surfaced (KERNEL, REGISTER)
 * @param op     the SQE op or register op refused, by its kernel name without prefix ({@code SOCKET}, {@code BUFFERS})
 * @param reason the rule that refused it, naming the op
 * @param layer  which layer refused it
 * @param policy the name of the ring's policy, or {@code ""} when the ring has none known to uring-policy
 * @param ringFd the ring's file descriptor, or -1 when unknown
 * @param thread the name of the thread on which the denial was decided or surfaced
 */
public record PolicyViolation(Instant time, String op, String reason, Layer layer, String policy, int ringFd,
        String thread) {
    /** Which layer refused an operation. */
    public enum Layer {
        /** The kernel's per-ring restrictions: the SQE completed with {@code -EACCES}. */
        KERNEL,
        /** A Java argument filter refused the SQE before submission (it completes with {@code -EACCES}). */
        FILTER,
        /** The kernel refused a register op ({@code io_uring_register} returned {@code EACCES}). */
        REGISTER
    }

    /** Checks that no component is null. */
    public PolicyViolation {
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(op, "op");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(layer, "layer");
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(thread, "thread");
    }

    /** A violation decided now on the current thread. */
    static PolicyViolation now(String op, String reason, Layer layer, String policy, int ringFd) {
        return new PolicyViolation(Instant.now(), op, reason, layer, policy, ringFd, Thread.currentThread().getName());
    }
}
