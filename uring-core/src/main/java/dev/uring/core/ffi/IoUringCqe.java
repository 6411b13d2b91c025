package dev.uring.core.ffi;

/** {@code struct io_uring_cqe} (16 bytes): user_data u64 @0, res s32 @8, flags u32 @12. */
public final class IoUringCqe {
    public static final long SIZE = 16;
    public static final long USER_DATA = 0;
    public static final long RES = 8;
    public static final long FLAGS = 12;

    private IoUringCqe() {
    }
}
