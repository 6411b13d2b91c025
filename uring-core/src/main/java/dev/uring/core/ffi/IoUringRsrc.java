package dev.uring.core.ffi;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.MemorySegment;

/**
 * {@code struct io_uring_rsrc_register} and {@code struct io_uring_rsrc_update2}, both 32 bytes
 * and both passed with {@code nr_args = 32} (their size, not a count).
 *
 * <pre>
 * rsrc_register: nr u32 @0, flags u32 @4, resv2 u64 @8, data u64 @16, tags u64 @24
 * rsrc_update2:  offset u32 @0, resv u32 @4, data u64 @8, tags u64 @16, nr u32 @24, resv2 u32 @28
 * </pre>
 */
public final class IoUringRsrc {
    public static final int SIZE = 32;

    private IoUringRsrc() {
    }

    /** Fills a zeroed rsrc_register. */
    public static void register(MemorySegment s, int nr, int flags, long data, long tags) {
        s.set(JAVA_INT, 0, nr);
        s.set(JAVA_INT, 4, flags);
        s.set(JAVA_LONG, 16, data);
        s.set(JAVA_LONG, 24, tags);
    }

    /** Fills a zeroed rsrc_update2. */
    public static void update2(MemorySegment s, int offset, long data, long tags, int nr) {
        s.set(JAVA_INT, 0, offset);
        s.set(JAVA_LONG, 8, data);
        s.set(JAVA_LONG, 16, tags);
        s.set(JAVA_INT, 24, nr);
    }
}
