package dev.uring.core;

import dev.uring.core.ffi.Errno;
import java.io.IOException;
import org.jspecify.annotations.Nullable;

/**
 * An io_uring operation or syscall failed with an errno that has no more specific
 * {@link IOException} subtype. The message names the errno, the operation and its target.
 */
public class UringException extends IOException {
    private static final long serialVersionUID = 1L;

    private final int errno;
    private final String operation;
    private final @Nullable String target;

    /**
     * Creates an exception for {@code operation} on {@code target} failing with {@code errno}.
     *
     * @param errno a positive errno value
     */
    public UringException(int errno, String operation, @Nullable String target) {
        super(message(errno, operation, target));
        this.errno = Math.abs(errno);
        this.operation = operation;
        this.target = target;
    }

    /** Creates an exception with an explicit message, for failures that are not a single errno. */
    public UringException(int errno, String operation, @Nullable String target, String message) {
        super(message);
        this.errno = Math.abs(errno);
        this.operation = operation;
        this.target = target;
    }

    static String message(int errno, String operation, @Nullable String target) {
        return operation + (target == null ? "" : " on " + target) + " failed: " + Errno.name(errno)
                + " (" + Errno.text(errno) + ")";
    }

    /** The positive errno value. */
    public int errno() {
        return errno;
    }

    /** The symbolic errno name, e.g. {@code EINVAL}. */
    public String errnoName() {
        return Errno.name(errno);
    }

    /** What failed, e.g. {@code READ} or {@code io_uring_register(FILES2)}. */
    public String operation() {
        return operation;
    }

    /** What it failed on (a path, an fd, an address), or null. */
    public @Nullable String target() {
        return target;
    }
}
