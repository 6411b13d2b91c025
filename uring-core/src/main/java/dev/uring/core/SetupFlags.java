package dev.uring.core;

import dev.uring.core.ffi.IoUringConstants;
import java.util.ArrayList;
import java.util.List;

/**
 * io_uring_setup flags ({@code IORING_SETUP_*}) as {@code int}s, and the kernel's rules about
 * which of them go together. Flags are kept in an {@code int}: a byte would drop bits 8 and up.
 */
public final class SetupFlags {
    public static final int IOPOLL = IoUringConstants.IORING_SETUP_IOPOLL;
    public static final int SQPOLL = IoUringConstants.IORING_SETUP_SQPOLL;
    public static final int SQ_AFF = IoUringConstants.IORING_SETUP_SQ_AFF;
    public static final int CQSIZE = IoUringConstants.IORING_SETUP_CQSIZE;
    public static final int CLAMP = IoUringConstants.IORING_SETUP_CLAMP;
    public static final int ATTACH_WQ = IoUringConstants.IORING_SETUP_ATTACH_WQ;
    public static final int R_DISABLED = IoUringConstants.IORING_SETUP_R_DISABLED;
    public static final int SUBMIT_ALL = IoUringConstants.IORING_SETUP_SUBMIT_ALL;
    public static final int COOP_TASKRUN = IoUringConstants.IORING_SETUP_COOP_TASKRUN;
    public static final int TASKRUN_FLAG = IoUringConstants.IORING_SETUP_TASKRUN_FLAG;
    public static final int SINGLE_ISSUER = IoUringConstants.IORING_SETUP_SINGLE_ISSUER;
    public static final int DEFER_TASKRUN = IoUringConstants.IORING_SETUP_DEFER_TASKRUN;
    public static final int NO_SQARRAY = IoUringConstants.IORING_SETUP_NO_SQARRAY;

    /** The flags this project drives; SQE128, CQE32 and NO_MMAP change the ring's layout and are refused. */
    static final int SUPPORTED = IOPOLL | SQPOLL | SQ_AFF | CQSIZE | CLAMP | ATTACH_WQ | R_DISABLED | SUBMIT_ALL
            | COOP_TASKRUN | TASKRUN_FLAG | SINGLE_ISSUER | DEFER_TASKRUN | NO_SQARRAY;

    private SetupFlags() {
    }

    /**
     * Checks a flag set against the kernel's rules, with a message naming the rule broken.
     *
     * @throws IllegalArgumentException when the set is one the kernel would refuse with EINVAL
     */
    public static int validate(int flags) {
        int unknown = flags & ~SUPPORTED;
        if (unknown != 0) {
            throw new IllegalArgumentException("unsupported io_uring setup flag bits 0x" + Integer.toHexString(unknown)
                    + " (SQE128, CQE32, NO_MMAP and unknown bits are not offered)");
        }
        if (has(flags, DEFER_TASKRUN) && !has(flags, SINGLE_ISSUER)) {
            throw new IllegalArgumentException("DEFER_TASKRUN requires SINGLE_ISSUER");
        }
        if (has(flags, DEFER_TASKRUN) && has(flags, SQPOLL)) {
            throw new IllegalArgumentException("DEFER_TASKRUN cannot be combined with SQPOLL");
        }
        if (has(flags, TASKRUN_FLAG) && !has(flags, COOP_TASKRUN) && !has(flags, DEFER_TASKRUN)) {
            throw new IllegalArgumentException("TASKRUN_FLAG requires COOP_TASKRUN or DEFER_TASKRUN");
        }
        if (has(flags, COOP_TASKRUN) && has(flags, SQPOLL)) {
            throw new IllegalArgumentException("COOP_TASKRUN cannot be combined with SQPOLL");
        }
        if (has(flags, SQ_AFF) && !has(flags, SQPOLL)) {
            throw new IllegalArgumentException("SQ_AFF (an SQPOLL thread CPU) requires SQPOLL");
        }
        return flags;
    }

    /** The names of the flags set, e.g. {@code [SINGLE_ISSUER, DEFER_TASKRUN]}. */
    public static List<String> names(int flags) {
        String[] names = {"IOPOLL", "SQPOLL", "SQ_AFF", "CQSIZE", "CLAMP", "ATTACH_WQ", "R_DISABLED", "SUBMIT_ALL",
            "COOP_TASKRUN", "TASKRUN_FLAG", "SQE128", "CQE32", "SINGLE_ISSUER", "DEFER_TASKRUN", "NO_MMAP",
            "REGISTERED_FD_ONLY", "NO_SQARRAY"};
        List<String> out = new ArrayList<>();
        for (int bit = 0; bit < 32; bit++) {
            if ((flags & (1 << bit)) != 0) {
                out.add(bit < names.length ? names[bit] : "bit" + bit);
            }
        }
        return out;
    }

    static boolean has(int flags, int flag) {
        return (flags & flag) != 0;
    }
}
