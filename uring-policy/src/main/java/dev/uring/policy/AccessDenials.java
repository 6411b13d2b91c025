package dev.uring.policy;

import dev.uring.core.Opcode;
import dev.uring.core.RegisterOp;
import dev.uring.core.Ring;
import java.nio.file.AccessDeniedException;
import java.util.Objects;

/**
 * Turns a completion denied by a policy ({@code res == -EACCES}) into an exception naming the op and
 * the rule, and reports the kernel's denials to {@link PolicyViolations}.
 */
public final class AccessDenials {
    private static final int EACCES = 13;

    private AccessDenials() {
    }

    /**
     * The exception for op {@code op} with {@code userData} on {@code ring} completing with {@code -EACCES}:
     * the Java filter's reason when it refused the SQE (already reported when the filter decided), else
     * the kernel restriction that did, which is reported here as a {@link PolicyViolation.Layer#KERNEL}
     * violation. Consumes the ring's record of the denial.
     */
    public static AccessDeniedException forCompletion(Ring ring, Opcode op, long userData) {
        String reason = ring.denialReason(userData);
        if (reason == null) {
            RingPolicy p = PolicyCustomizer.appliedTo(ring);
            reason = op + " denied by the kernel's restrictions on ring fd " + ring.fd()
                    + (p == null ? "" : " (policy '" + p.name() + "'"
                    + (p.permits(op) ? ": the op's SQE flags are not allowed)" : ": the op is not allowed)"));
            PolicyViolations.report(PolicyViolation.now(op.name(), reason, PolicyViolation.Layer.KERNEL,
                    p == null ? "" : p.name(), ring.fd()));
        }
        return new AccessDeniedException(op.name(), null, reason);
    }

    /** Whether a CQE result is the -EACCES a restriction or filter produces. */
    public static boolean isDenied(int res) {
        return res == -EACCES;
    }
}
