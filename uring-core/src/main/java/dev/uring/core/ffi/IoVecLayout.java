package dev.uring.core.ffi;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.MemorySegment;

/** {@code struct iovec} (16 bytes): iov_base u64 @0, iov_len u64 @8. */
public final class IoVecLayout {
    public static final long SIZE = 16;

    private IoVecLayout() {
    }

    /** Writes iovec {@code index} of an array. */
    public static void set(MemorySegment array, int index, long base, long len) {
        array.set(JAVA_LONG, index * SIZE, base);
        array.set(JAVA_LONG, index * SIZE + 8, len);
    }
}
