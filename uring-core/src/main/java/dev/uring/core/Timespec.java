package dev.uring.core;

import dev.uring.core.ffi.KernelTimespec;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.time.Duration;

/** A {@code struct __kernel_timespec} for TIMEOUT and LINK_TIMEOUT. */
public final class Timespec {
    private Timespec() {
    }

    /**
     * Allocates a timespec holding {@code duration} in {@code arena}, which must outlive the op.
     *
     * @throws IllegalArgumentException when the duration is negative
     */
    public static MemorySegment allocate(Arena arena, Duration duration) {
        if (duration.isNegative()) {
            throw new IllegalArgumentException("timeout must not be negative, got " + duration);
        }
        MemorySegment ts = arena.allocate(KernelTimespec.SIZE, 8);
        set(ts, duration.toNanos());
        return ts;
    }

    /** Overwrites a timespec from {@link #allocate} with {@code nanos}. */
    public static void set(MemorySegment ts, long nanos) {
        if (nanos < 0) {
            throw new IllegalArgumentException("timeout must not be negative, got " + nanos + " ns");
        }
        KernelTimespec.set(ts, 0, nanos);
    }
}
