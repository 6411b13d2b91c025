package dev.uring.core.ffi;

/**
 * IORING_REGISTER_QUERY (35, fd -1, Linux 6.18+): {@code struct io_uring_query_hdr} (40 bytes:
 * next_entry u64 @0, query_data u64 @8, query_op u32 @16, size u32 @20, result s32 @24) pointing at
 * {@code struct io_uring_query_opcode} (48 bytes: nr_request_opcodes u32 @0, nr_register_opcodes
 * u32 @4, feature_flags u64 @8, ring_setup_flags u64 @16, enter_flags u64 @24, sqe_flags u64 @32,
 * nr_query_opcodes u32 @40).
 */
public final class IoUringQueryLayout {
    public static final long HDR_SIZE = 40;
    public static final long OPCODE_SIZE = 48;
    public static final int IO_URING_QUERY_OPCODES = 0;

    private IoUringQueryLayout() {
    }
}
