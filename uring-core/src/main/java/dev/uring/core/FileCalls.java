package dev.uring.core;

import dev.uring.core.ffi.Errno;
import dev.uring.core.ffi.Native;
import java.io.IOException;
import java.lang.foreign.MemorySegment;

/**
 * File syscalls outside a ring. {@link #ftruncate} is for kernels without the matching io_uring op
 * and may block on the file system: call it off the loop threads (uring-reactor runs it on a bounded
 * elastic worker). {@link #readCached} never waits for a device, so any thread may call it.
 */
public final class FileCalls {
    private FileCalls() {
    }

    /**
     * ftruncate(2): sets the size of file {@code fd} to {@code length} bytes, for kernels without
     * IORING_OP_FTRUNCATE (before 6.9).
     *
     * @throws IllegalArgumentException when {@code length} is negative
     * @throws IOException when the kernel refuses (the message names the errno)
     */
    public static void ftruncate(int fd, long length) throws IOException {
        if (length < 0) {
            throw new IllegalArgumentException("FTRUNCATE: length must not be negative, got " + length);
        }
        int r = Native.ftruncate(fd, length);
        if (r < 0) {
            throw Errors.toException(r, "ftruncate", "fd " + fd);
        }
    }

    /** What {@link #readCached} returns when the bytes are not all in the page cache (EAGAIN). */
    public static final int NOT_CACHED = -Errno.EAGAIN;

    /**
     * preadv2(2) with RWF_NOWAIT: reads into {@code dst} from {@code position} of file {@code fd} what
     * the page cache holds, without waiting for a device, so that a cached read needs no ring round
     * trip. It may read fewer bytes than asked for (only a part is cached, or the end of the file).
     *
     * @return the bytes read (0 at or past the end of the file), or a negative errno:
     *     {@link #NOT_CACHED} when the first byte is not cached, -EOPNOTSUPP where the file system
     *     cannot read without waiting, any other error of the kernel as it came
     * @throws IllegalArgumentException when {@code dst} is not native memory or {@code position} is
     *     negative
     */
    public static long readCached(int fd, MemorySegment dst, long position) {
        if (!dst.isNative()) {
            throw new IllegalArgumentException("readCached: dst must be native memory (the kernel writes it), got "
                    + dst);
        }
        if (position < 0) {
            throw new IllegalArgumentException("readCached: position must not be negative, got " + position);
        }
        try {
            return Native.preadv2(fd, dst.address(), dst.byteSize(), position, Native.RWF_NOWAIT);
        } finally {
            java.lang.ref.Reference.reachabilityFence(dst); // the memory behind the address
        }
    }
}
