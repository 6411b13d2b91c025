package dev.uring.core;

import dev.uring.core.ffi.IoUringConstants;

/** CQE flags ({@code IORING_CQE_F_*}) and the provided-buffer id they carry. */
public final class CqeFlags {
    /** The upper 16 bits hold the id of the provided buffer used. */
    public static final int BUFFER = IoUringConstants.IORING_CQE_F_BUFFER;
    /** A multishot op will post more CQEs. */
    public static final int MORE = IoUringConstants.IORING_CQE_F_MORE;
    /** The socket has more data to read. */
    public static final int SOCK_NONEMPTY = IoUringConstants.IORING_CQE_F_SOCK_NONEMPTY;
    /** A zero-copy send's notification: its buffer may be reused. */
    public static final int NOTIF = IoUringConstants.IORING_CQE_F_NOTIF;
    /** An incrementally consumed provided buffer has more room. */
    public static final int BUF_MORE = IoUringConstants.IORING_CQE_F_BUF_MORE;

    private CqeFlags() {
    }

    /** Whether {@code flags} say more CQEs follow for the same op. */
    public static boolean hasMore(int flags) {
        return (flags & MORE) != 0;
    }

    /** The provided buffer id in {@code flags}, or -1 when none was used. */
    public static int bufferId(int flags) {
        return (flags & BUFFER) != 0 ? flags >>> IoUringConstants.IORING_CQE_BUFFER_SHIFT : -1;
    }
}
