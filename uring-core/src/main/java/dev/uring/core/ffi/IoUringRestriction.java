package dev.uring.core.ffi;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.MemorySegment;

/**
 * {@code struct io_uring_restriction} (16 bytes): opcode u16 @0, union {register_op, sqe_op,
 * sqe_flags} u8 @2, resv u8 @3, resv2 u32[3] @4.
 */
public final class IoUringRestriction {
    public static final long SIZE = 16;

    private IoUringRestriction() {
    }

    /** Writes restriction {@code index} of an array of them; the array must be zeroed. */
    public static void set(MemorySegment array, int index, int opcode, int value) {
        long base = index * SIZE;
        array.set(JAVA_SHORT, base, (short) opcode);
        array.set(JAVA_BYTE, base + 2, (byte) value);
    }
}
