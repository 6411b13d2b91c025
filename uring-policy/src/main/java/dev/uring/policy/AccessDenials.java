package dev.uring.policy;

import dev.uring.core.Opcode;
import dev.uring.core.Ring;
import java.nio.file.AccessDeniedException;

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
        String reason = ring.accessDenied(op, userData);
        return new AccessDeniedException(op.name(), null,
                reason != null ? reason : op + " denied by the kernel's restrictions on ring fd " + ring.fd());
    }

    /** Whether a CQE result is the -EACCES a restriction or filter produces. */
    public static boolean isDenied(int res) {
        return res == -EACCES;
    }
}
