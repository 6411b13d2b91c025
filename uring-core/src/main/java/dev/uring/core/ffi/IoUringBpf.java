package dev.uring.core.ffi;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.MemorySegment;

/**
 * {@code struct io_uring_bpf} (Linux 7.0, 72 bytes), the argument of IORING_REGISTER_BPF_FILTER (37):
 * cmd_type u16 @0 (IO_URING_BPF_CMD_FILTER 1), cmd_flags u16 @2 (0), resv u32 @4 (0), then
 * {@code struct io_uring_bpf_filter} @8: opcode u32 @8, flags u32 @12, filter_len u32 @16,
 * pdu_size u8 @20, resv u8[3] @21, filter_ptr u64 @24, resv2 u64[5] @32. The program is an array of
 * {@code struct sock_filter} (8 bytes: code u16 @0, jt u8 @2, jf u8 @3, k u32 @4).
 */
public final class IoUringBpf {
    public static final long SIZE = 72;
    public static final long SOCK_FILTER_SIZE = 8;
    public static final int IO_URING_BPF_CMD_FILTER = 1;
    public static final int IO_URING_BPF_FILTER_DENY_REST = 1;
    public static final int IO_URING_BPF_FILTER_SZ_STRICT = 2;
    public static final int MAX_FILTER_LEN = 4096;

    private IoUringBpf() {
    }

    /** Fills a zeroed {@code struct io_uring_bpf} for a filter on {@code opcode}. */
    public static void setFilter(MemorySegment seg, int opcode, int flags, int filterLen, int pduSize,
            long filterPtr) {
        seg.set(JAVA_SHORT, 0, (short) IO_URING_BPF_CMD_FILTER);
        seg.set(JAVA_INT, 8, opcode);
        seg.set(JAVA_INT, 12, flags);
        seg.set(JAVA_INT, 16, filterLen);
        seg.set(JAVA_BYTE, 20, (byte) pduSize);
        seg.set(JAVA_LONG, 24, filterPtr);
    }

    /** The pdu_size the kernel wrote back. */
    public static int pduSize(MemorySegment seg) {
        return Byte.toUnsignedInt(seg.get(JAVA_BYTE, 20));
    }

    /** Writes instruction {@code index} of a {@code struct sock_filter} array. */
    public static void setInstruction(MemorySegment prog, int index, int code, int jt, int jf, int k) {
        long b = index * SOCK_FILTER_SIZE;
        prog.set(JAVA_SHORT, b, (short) code);
        prog.set(JAVA_BYTE, b + 2, (byte) jt);
        prog.set(JAVA_BYTE, b + 3, (byte) jf);
        prog.set(JAVA_INT, b + 4, k);
    }
}
