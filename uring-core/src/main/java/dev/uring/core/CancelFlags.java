package dev.uring.core;

import dev.uring.core.ffi.IoUringConstants;

/** Flags of ASYNC_CANCEL ({@code IORING_ASYNC_CANCEL_*}). */
public final class CancelFlags {
    /** Cancel every matching op, not just the first. */
    public static final int ALL = IoUringConstants.IORING_ASYNC_CANCEL_ALL;
    /** Match on fd instead of user_data. */
    public static final int FD = IoUringConstants.IORING_ASYNC_CANCEL_FD;
    /** Match any op. */
    public static final int ANY = IoUringConstants.IORING_ASYNC_CANCEL_ANY;
    /** The fd is a fixed slot. */
    public static final int FD_FIXED = IoUringConstants.IORING_ASYNC_CANCEL_FD_FIXED;

    private CancelFlags() {
    }
}
