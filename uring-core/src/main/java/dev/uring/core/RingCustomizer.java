package dev.uring.core;

import java.io.IOException;

/**
 * Configures a ring between io_uring_setup and ENABLE_RINGS, while it is still
 * {@code R_DISABLED}: the only window in which the kernel accepts restrictions, and in which
 * registrations are not yet subject to them. Called on the ring's owning thread.
 */
@FunctionalInterface
public interface RingCustomizer {
    /**
     * Configures {@code ring}, which is set up but not enabled.
     *
     * @throws IOException to refuse the ring: it is closed and its creation fails with this exception
     */
    void beforeEnable(Ring ring) throws IOException;

    /**
     * Checks each SQE before it is submitted, for rules the kernel cannot express.
     * {@link SubmissionFilter#ALLOW_ALL} by default.
     */
    default SubmissionFilter submissionFilter() {
        return SubmissionFilter.ALLOW_ALL;
    }

    /**
     * Told, for audit, that the kernel refused register op {@code op} on {@code ring} (enabled)
     * with EACCES; the caller gets an {@link java.nio.file.AccessDeniedException} with {@code reason}
     * whatever this does. Nothing by default.
     */
    default void registerDenied(Ring ring, RegisterOp op, String reason) {
    }

    /**
     * Asked before the framework does with a plain syscall what {@code op} would do, on a kernel that
     * lacks {@code op} (bind(2) for BIND before Linux 6.11, for example): a reason refuses the syscall,
     * so that a policy is not bypassed by the fallback; null allows it. Null by default.
     */
    default @org.jspecify.annotations.Nullable String fallbackDenied(Ring ring, Opcode op) {
        return null;
    }

    /**
     * Whether this customizer may refuse or limit {@code op} on its rings (by the kernel's
     * restrictions or a submission filter). The framework asks it before it does an op's work by a
     * plain syscall for speed rather than need (a READ of cached pages on the caller's thread), which
     * it does only when no customizer may; it asks nothing and reports nothing to audit. True by
     * default: a customizer that does not say is taken to restrict every op.
     */
    default boolean mayRestrict(Opcode op) {
        return true;
    }

    /**
     * Explains, for audit and messages, a CQE of {@code op} that the kernel's restrictions refused
     * with -EACCES on {@code ring} (see {@link Ring#accessDenied}); null to say nothing.
     */
    default @org.jspecify.annotations.Nullable String completionDenied(Ring ring, Opcode op) {
        return null;
    }
}
