package dev.uring.core.ffi;

/**
 * {@code struct io_uring_bpf_ctx} (Linux 7.0, 40 bytes), what an io_uring cBPF filter sees:
 * user_data u64 @0, opcode u8 @8, sqe_flags u8 @9, pdu_size u8 @10, pad @11, then per op @16:
 * SOCKET {family u32 @16, type u32 @20, protocol u32 @24}; OPENAT/OPENAT2 {flags u64 @16,
 * mode u64 @24, resolve u64 @32}; CONNECT (7.2) {family u32 @16, port be16 @20, address @24}.
 * Filters may only load aligned 32-bit words ({@code BPF_LD|BPF_W|BPF_ABS}, k % 4 == 0, k < 40).
 */
public final class IoUringBpfCtx {
    public static final int SIZE = 40;
    public static final int USER_DATA = 0;
    /** The u32 word holding opcode (byte 8), sqe_flags (byte 9) and pdu_size (byte 10), little-endian. */
    public static final int OPCODE_WORD = 8;
    public static final int PDU = 16;
    public static final int SOCKET_FAMILY = 16;
    public static final int SOCKET_TYPE = 20;
    public static final int SOCKET_PROTOCOL = 24;
    public static final int SOCKET_PDU_SIZE = 12;
    /** Low word of the u64 open flags (x86-64 is little-endian). */
    public static final int OPEN_FLAGS_LO = 16;
    public static final int OPEN_FLAGS_HI = 20;
    public static final int OPEN_MODE_LO = 24;
    public static final int OPEN_RESOLVE_LO = 32;
    public static final int OPEN_PDU_SIZE = 24;
    public static final int CONNECT_FAMILY = 16;
    /** u32 word whose low 16 bits (in memory order) are the big-endian port. */
    public static final int CONNECT_PORT_WORD = 20;
    public static final int CONNECT_ADDR = 24;

    private IoUringBpfCtx() {
    }
}
