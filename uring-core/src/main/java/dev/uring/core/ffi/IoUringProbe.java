package dev.uring.core.ffi;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.MemorySegment;

/**
 * {@code struct io_uring_probe}: last_op u8 @0, ops_len u8 @1, resv u16, resv2 u32[3], then
 * {@code ops[]} at 16 of {@code struct io_uring_probe_op} (8 bytes: op u8, resv u8, flags u16, resv2 u32).
 */
public final class IoUringProbe {
    public static final int MAX_OPS = 256;
    public static final long SIZE = 16 + 8L * MAX_OPS;

    private IoUringProbe() {
    }

    /** The last opcode the kernel knows. */
    public static int lastOp(MemorySegment probe) {
        return Byte.toUnsignedInt(probe.get(JAVA_BYTE, 0));
    }

    /** The number of valid entries in {@code ops[]}. */
    public static int opsLen(MemorySegment probe) {
        return Byte.toUnsignedInt(probe.get(JAVA_BYTE, 1));
    }

    /** Whether entry {@code i} says the op is supported. */
    public static boolean supported(MemorySegment probe, int i) {
        return (probe.get(JAVA_SHORT, 16 + 8L * i + 2) & IoUringConstants.IO_URING_OP_SUPPORTED) != 0;
    }
}
