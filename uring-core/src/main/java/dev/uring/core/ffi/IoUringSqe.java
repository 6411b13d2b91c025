package dev.uring.core.ffi;

/**
 * {@code struct io_uring_sqe} (64 bytes). Offsets of the fields and unions this project writes.
 *
 * <pre>
 *   0 opcode u8   1 flags u8   2 ioprio u16   4 fd s32
 *   8 off | addr2 u64                        16 addr | splice_off_in u64
 *  24 len u32    28 op flags u32 (rw_flags, msg_ring_flags, install_fd_flags, ...)
 *  32 user_data u64                          40 buf_index | buf_group u16   42 personality u16
 *  44 file_index | splice_fd_in | addr_len u32                              48 addr3 u64   56 pad u64
 * </pre>
 */
public final class IoUringSqe {
    public static final long SIZE = 64;
    public static final long OPCODE = 0;
    public static final long FLAGS = 1;
    public static final long IOPRIO = 2;
    public static final long FD = 4;
    public static final long OFF = 8;
    public static final long ADDR = 16;
    public static final long LEN = 24;
    public static final long OP_FLAGS = 28;
    public static final long USER_DATA = 32;
    public static final long BUF_INDEX = 40;
    public static final long PERSONALITY = 42;
    public static final long FILE_INDEX = 44;
    public static final long ADDR3 = 48;
    public static final long PAD2 = 56;

    private IoUringSqe() {
    }
}
