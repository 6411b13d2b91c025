package dev.uring.core;

import dev.uring.core.ffi.IoUringConstants;

/**
 * The flags of {@link Sqe#prepSendZc} and {@link Sqe#prepSendmsgZc} ({@code IORING_RECVSEND_*},
 * {@code IORING_SEND_ZC_*}), and what a zero-copy send's notification CQE reports.
 */
public final class ZeroCopyFlags {
    /** IORING_RECVSEND_POLL_FIRST (Linux 5.19): wait for the socket to be writable before trying. */
    public static final int POLL_FIRST = IoUringConstants.IORING_RECVSEND_POLL_FIRST;
    /**
     * IORING_SEND_ZC_REPORT_USAGE (Linux 6.2; 6.1 refuses it with EINVAL): the notification's res
     * says whether the kernel copied after all.
     */
    public static final int REPORT_USAGE = IoUringConstants.IORING_SEND_ZC_REPORT_USAGE;

    private ZeroCopyFlags() {
    }

    /** Whether {@code flags} mark a zero-copy send's notification: the buffer is the caller's again. */
    public static boolean isNotification(int flags) {
        return (flags & IoUringConstants.IORING_CQE_F_NOTIF) != 0;
    }

    /** Whether a notification's {@code res} (with {@link #REPORT_USAGE}) says the data was copied. */
    public static boolean wasCopied(int res) {
        return (res & IoUringConstants.IORING_NOTIF_USAGE_ZC_COPIED) != 0;
    }
}
