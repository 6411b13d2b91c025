package dev.uring.core.ffi;

import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.MemorySegment;

/**
 * {@code struct io_uring_task_restriction} (Linux 7.0, 16 bytes + 16 per entry): flags u16 @0
 * (must be 0), nr_res u16 @2, resv u32[3] @4 (must be 0), then {@code struct io_uring_restriction}
 * entries @16. Registered with io_uring_register(fd -1, IORING_REGISTER_RESTRICTIONS, arg, 1).
 */
public final class IoUringTaskRestriction {
    /** Size of the header before the entries. */
    public static final long HEADER_SIZE = 16;

    private IoUringTaskRestriction() {
    }

    /** Bytes needed for a header with {@code entries} restrictions. */
    public static long size(int entries) {
        return HEADER_SIZE + entries * IoUringRestriction.SIZE;
    }

    /** Writes the header into zeroed memory; entries follow at {@link #entries(MemorySegment)}. */
    public static void setHeader(MemorySegment seg, int nrRes) {
        seg.set(JAVA_SHORT, 2, (short) nrRes);
    }

    /** The entry array after the header. */
    public static MemorySegment entries(MemorySegment seg) {
        return seg.asSlice(HEADER_SIZE);
    }
}
