package dev.uring.core;

import dev.uring.core.ffi.IoUringConstants;

/** Flags of MSG_RING ({@code IORING_MSG_RING_*}). */
public final class MsgRingFlags {
    /** Post no CQE on the target ring. */
    public static final int CQE_SKIP = IoUringConstants.IORING_MSG_RING_CQE_SKIP;
    /** Pass the SQE's file_index as the target CQE's flags. */
    public static final int FLAGS_PASS = IoUringConstants.IORING_MSG_RING_FLAGS_PASS;

    private MsgRingFlags() {
    }
}
