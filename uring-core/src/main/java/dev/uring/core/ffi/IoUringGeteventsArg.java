package dev.uring.core.ffi;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.MemorySegment;

/**
 * {@code struct io_uring_getevents_arg} (24 bytes: sigmask u64 @0, sigmask_sz u32 @8,
 * min_wait_usec u32 @12, ts u64 @16) followed here by its {@code struct __kernel_timespec}
 * (tv_sec s64, tv_nsec s64) at 24, so that one 40-byte segment holds both.
 */
public final class IoUringGeteventsArg {
    public static final long SIZE = 24;
    public static final long SIZE_WITH_TIMESPEC = 40;

    private IoUringGeteventsArg() {
    }

    /** Points the arg at its trailing timespec and sets it to {@code nanos}. */
    public static void setTimeout(MemorySegment argAndTs, long nanos) {
        argAndTs.set(JAVA_LONG, 0, 0L);
        argAndTs.set(JAVA_INT, 8, 8);
        argAndTs.set(JAVA_INT, 12, 0);
        argAndTs.set(JAVA_LONG, 16, argAndTs.address() + 24);
        KernelTimespec.set(argAndTs, 24, nanos);
    }
}
