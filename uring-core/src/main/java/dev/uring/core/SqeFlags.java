package dev.uring.core;

import dev.uring.core.ffi.IoUringConstants;

/** SQE flags ({@code IOSQE_*}), combined with {@code |} and set with {@link Sqe#flags(int)}. */
public final class SqeFlags {
    /** The fd is an index into the ring's registered file table. */
    public static final int FIXED_FILE = IoUringConstants.IOSQE_FIXED_FILE;
    /** Start only after every earlier SQE has completed. */
    public static final int IO_DRAIN = IoUringConstants.IOSQE_IO_DRAIN;
    /** The next SQE starts only if this one succeeds. */
    public static final int IO_LINK = IoUringConstants.IOSQE_IO_LINK;
    /** The next SQE starts when this one completes, whatever its result. */
    public static final int IO_HARDLINK = IoUringConstants.IOSQE_IO_HARDLINK;
    /** Go straight to the async worker pool. */
    public static final int ASYNC = IoUringConstants.IOSQE_ASYNC;
    /** Pick a buffer from the provided buffer group named by {@link Sqe#bufferGroup(int)}. */
    public static final int BUFFER_SELECT = IoUringConstants.IOSQE_BUFFER_SELECT;
    /** Post no CQE when the op succeeds. */
    public static final int CQE_SKIP_SUCCESS = IoUringConstants.IOSQE_CQE_SKIP_SUCCESS;
    /** Every flag above. */
    public static final int ALL = 0x7f;

    private SqeFlags() {
    }

    /** Checks that {@code flags} holds only known SQE flags. */
    static int validate(int flags) {
        if ((flags & ~ALL) != 0) {
            throw new IllegalArgumentException("unknown SQE flag bits 0x" + Integer.toHexString(flags & ~ALL)
                    + " (known: FIXED_FILE, IO_DRAIN, IO_LINK, IO_HARDLINK, ASYNC, BUFFER_SELECT, CQE_SKIP_SUCCESS)");
        }
        if ((flags & IO_LINK) != 0 && (flags & IO_HARDLINK) != 0) {
            throw new IllegalArgumentException("IO_LINK and IO_HARDLINK are exclusive: pick one");
        }
        return flags;
    }
}
