package dev.uring.core.ffi;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.MemorySegment;

/**
 * Provided buffer rings: {@code struct io_uring_buf_reg} (40 bytes: ring_addr u64 @0,
 * ring_entries u32 @8, bgid u16 @12, flags u16 @14, resv u64[3] @16) and the ring itself, an
 * array of {@code struct io_uring_buf} (16 bytes: addr u64, len u32, bid u16, resv u16) whose u16
 * tail overlays {@code bufs[0].resv} at byte 14.
 */
public final class IoUringBufRingLayout {
    public static final long REG_SIZE = 40;
    public static final long BUF_SIZE = 16;
    public static final long TAIL = 14;

    private IoUringBufRingLayout() {
    }

    /** Fills a zeroed io_uring_buf_reg. */
    public static void reg(MemorySegment reg, long ringAddr, int entries, int bgid, int flags) {
        reg.set(JAVA_LONG, 0, ringAddr);
        reg.set(JAVA_INT, 8, entries);
        reg.set(JAVA_SHORT, 12, (short) bgid);
        reg.set(JAVA_SHORT, 14, (short) flags);
    }

    /** Writes entry {@code index} of the ring (not its tail). */
    public static void buf(MemorySegment ring, int index, long addr, int len, int bid) {
        long base = index * BUF_SIZE;
        ring.set(JAVA_LONG, base, addr);
        ring.set(JAVA_INT, base + 8, len);
        ring.set(JAVA_SHORT, base + 12, (short) bid);
    }
}
