package dev.uring.core;

import dev.uring.core.ffi.IoUringConstants;

/** Flags of TIMEOUT, TIMEOUT_REMOVE and LINK_TIMEOUT ({@code IORING_TIMEOUT_*}). */
public final class TimeoutFlags {
    /** The timespec is an absolute time. */
    public static final int ABS = IoUringConstants.IORING_TIMEOUT_ABS;
    /** TIMEOUT_REMOVE updates the timeout instead. */
    public static final int UPDATE = IoUringConstants.IORING_TIMEOUT_UPDATE;
    /** Measure on CLOCK_BOOTTIME. */
    public static final int BOOTTIME = IoUringConstants.IORING_TIMEOUT_BOOTTIME;
    /** Measure on CLOCK_REALTIME. */
    public static final int REALTIME = IoUringConstants.IORING_TIMEOUT_REALTIME;
    /** An expired timeout completes with 0 instead of -ETIME. */
    public static final int ETIME_SUCCESS = IoUringConstants.IORING_TIMEOUT_ETIME_SUCCESS;
    /** A repeating timeout (F_MORE on each CQE). */
    public static final int MULTISHOT = IoUringConstants.IORING_TIMEOUT_MULTISHOT;

    private TimeoutFlags() {
    }
}
