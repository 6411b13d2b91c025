package dev.uring.core;

import dev.uring.core.ffi.IoUringConstants;

/**
 * One entry of an {@code IORING_REGISTER_RESTRICTIONS} allow-list ({@code struct io_uring_restriction}).
 *
 * @param kind what the entry allows or requires
 * @param value the op number, register op number or SQE flag set
 */
public record Restriction(Kind kind, int value) {

    /** The kind of a restriction entry ({@code IORING_RESTRICTION_*}). */
    public enum Kind {
        /** Allow one register op. */
        REGISTER_OP(IoUringConstants.IORING_RESTRICTION_REGISTER_OP),
        /** Allow one SQE op. */
        SQE_OP(IoUringConstants.IORING_RESTRICTION_SQE_OP),
        /** Allow these SQE flags (all others are refused). */
        SQE_FLAGS_ALLOWED(IoUringConstants.IORING_RESTRICTION_SQE_FLAGS_ALLOWED),
        /** Require these SQE flags on every SQE. */
        SQE_FLAGS_REQUIRED(IoUringConstants.IORING_RESTRICTION_SQE_FLAGS_REQUIRED);

        private final int code;

        Kind(int code) {
            this.code = code;
        }

        /** The kernel's number for this kind. */
        public int code() {
            return code;
        }
    }

    /** Checks the value's range for its kind. */
    public Restriction {
        if (kind == null) {
            throw new IllegalArgumentException("restriction kind is null");
        }
        if (value < 0 || value > 255) {
            throw new IllegalArgumentException(kind + " value " + value + " does not fit the kernel's u8");
        }
        if ((kind == Kind.SQE_FLAGS_ALLOWED || kind == Kind.SQE_FLAGS_REQUIRED) && (value & ~SqeFlags.ALL) != 0) {
            throw new IllegalArgumentException(kind + " has unknown SQE flag bits 0x" + Integer.toHexString(value));
        }
    }

    /** Allows {@code op}. */
    public static Restriction sqeOp(Opcode op) {
        return new Restriction(Kind.SQE_OP, op.code());
    }

    /** Allows {@code op}. */
    public static Restriction registerOp(RegisterOp op) {
        return new Restriction(Kind.REGISTER_OP, op.code());
    }

    /** Allows the SQE flags in {@code flags} ({@link SqeFlags}). */
    public static Restriction sqeFlagsAllowed(int flags) {
        return new Restriction(Kind.SQE_FLAGS_ALLOWED, flags);
    }

    /** Requires the SQE flags in {@code flags} ({@link SqeFlags}) on every SQE. */
    public static Restriction sqeFlagsRequired(int flags) {
        return new Restriction(Kind.SQE_FLAGS_REQUIRED, flags);
    }
}
