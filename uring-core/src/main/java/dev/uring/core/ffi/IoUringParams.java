package dev.uring.core.ffi;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.MemorySegment;

/**
 * {@code struct io_uring_params} (120 bytes), filled in by io_uring_setup.
 *
 * <pre>
 *   0 sq_entries   4 cq_entries   8 flags   12 sq_thread_cpu   16 sq_thread_idle
 *  20 features    24 wq_fd       28 resv[3]
 *  40 sq_off (struct io_sqring_offsets, 40 B)   80 cq_off (struct io_cqring_offsets, 40 B)
 * </pre>
 */
public final class IoUringParams {
    public static final long SIZE = 120;
    public static final long SQ_ENTRIES = 0;
    public static final long CQ_ENTRIES = 4;
    public static final long FLAGS = 8;
    public static final long SQ_THREAD_CPU = 12;
    public static final long SQ_THREAD_IDLE = 16;
    public static final long FEATURES = 20;
    public static final long WQ_FD = 24;
    private static final long SQ_OFF = 40;
    private static final long CQ_OFF = 80;

    // io_sqring_offsets fields, relative to SQ_OFF
    public static final long SQ_OFF_HEAD = SQ_OFF;
    public static final long SQ_OFF_TAIL = SQ_OFF + 4;
    public static final long SQ_OFF_RING_MASK = SQ_OFF + 8;
    public static final long SQ_OFF_RING_ENTRIES = SQ_OFF + 12;
    public static final long SQ_OFF_FLAGS = SQ_OFF + 16;
    public static final long SQ_OFF_DROPPED = SQ_OFF + 20;
    public static final long SQ_OFF_ARRAY = SQ_OFF + 24;
    // io_cqring_offsets fields, relative to CQ_OFF
    public static final long CQ_OFF_HEAD = CQ_OFF;
    public static final long CQ_OFF_TAIL = CQ_OFF + 4;
    public static final long CQ_OFF_RING_MASK = CQ_OFF + 8;
    public static final long CQ_OFF_RING_ENTRIES = CQ_OFF + 12;
    public static final long CQ_OFF_OVERFLOW = CQ_OFF + 16;
    public static final long CQ_OFF_CQES = CQ_OFF + 20;
    public static final long CQ_OFF_FLAGS = CQ_OFF + 24;

    private IoUringParams() {
    }

    /** Reads an unsigned 32-bit field as an int. */
    public static int get(MemorySegment params, long offset) {
        return params.get(JAVA_INT, offset);
    }

    /** Writes a 32-bit field. */
    public static void set(MemorySegment params, long offset, int value) {
        params.set(JAVA_INT, offset, value);
    }
}
