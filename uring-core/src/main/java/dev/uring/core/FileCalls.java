package dev.uring.core;

import dev.uring.core.ffi.Native;
import java.io.IOException;

/**
 * File syscalls for kernels without the matching io_uring op. They may block on the file system:
 * call them off the loop threads (uring-reactor runs them on a bounded elastic worker).
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
}
