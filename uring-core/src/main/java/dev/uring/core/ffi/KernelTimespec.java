package dev.uring.core.ffi;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.MemorySegment;

/** {@code struct __kernel_timespec} (16 bytes): tv_sec s64 @0, tv_nsec s64 @8. */
public final class KernelTimespec {
    public static final long SIZE = 16;

    private KernelTimespec() {
    }

    /** Writes {@code nanos} as seconds and nanoseconds at {@code offset}. */
    public static void set(MemorySegment s, long offset, long nanos) {
        s.set(JAVA_LONG, offset, nanos / 1_000_000_000L);
        s.set(JAVA_LONG, offset + 8, nanos % 1_000_000_000L);
    }
}
