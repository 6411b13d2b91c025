package dev.uring.core;

import dev.uring.core.ffi.Errno;
import dev.uring.core.ffi.IoUringConstants;
import dev.uring.core.ffi.Native;
import java.io.IOException;
import org.jspecify.annotations.Nullable;

/**
 * The one io_uring_enter funnel of a ring, shared by its submission and completion sides, and the
 * registered ring fd it enters by (IORING_REGISTER_RING_FDS, a per-thread registration: other
 * threads still enter by the plain fd). EINTR is retried, ETIME is a timed wait that ran out.
 */
final class RingEnter {
    private final RingMapping m;
    private int enterFd;
    private int enterFlags;
    private @Nullable Thread ringFdOwner;

    RingEnter(RingMapping m) {
        this.m = m;
        this.enterFd = m.fd;
    }

    /** The IORING_ENTER_* flags every enter carries (REGISTERED_RING once the fd is registered). */
    int baseFlags() {
        return enterFlags;
    }

    /** From now on the calling thread enters by registered ring index {@code index}. */
    void useRegisteredIndex(int index) {
        enterFd = index;
        enterFlags |= IoUringConstants.IORING_ENTER_REGISTERED_RING;
        ringFdOwner = Thread.currentThread();
    }

    /** Back to entering by the plain fd (the registration was dropped). */
    void usePlainFd() {
        enterFd = m.fd;
        enterFlags &= ~IoUringConstants.IORING_ENTER_REGISTERED_RING;
        ringFdOwner = null;
    }

    /** The registered ring index, or -1 when the ring is entered by its plain fd. */
    int registeredIndex() {
        return enterFd != m.fd ? enterFd : -1;
    }

    /** io_uring_enter; the number of SQEs consumed, 0 for a timed wait that ran out. */
    int enter(int toSubmit, int waitNr, int flags, long arg, long argSize) throws IOException {
        int efd = enterFd;
        if (efd != m.fd && Thread.currentThread() != ringFdOwner) {
            // registered ring fds are per thread: another thread must name the ring by its real fd
            efd = m.fd;
            flags &= ~IoUringConstants.IORING_ENTER_REGISTERED_RING;
        }
        while (true) {
            int r = Native.ioUringEnter(efd, toSubmit, waitNr, flags, arg, argSize);
            if (r >= 0) {
                return r;
            }
            int errno = -r;
            if (errno == Errno.EINTR) {
                continue;
            }
            if (errno == Errno.ETIME) {
                return 0;
            }
            throw failure(errno);
        }
    }

    private IOException failure(int errno) {
        if (errno == Errno.EBADFD && !m.enabled) {
            return new UringException(errno, "io_uring_enter", "ring fd " + m.fd,
                    "io_uring_enter on ring fd " + m.fd + " failed: EBADFD (the ring is R_DISABLED: enable() it first)");
        }
        return new UringException(errno, "io_uring_enter", "ring fd " + m.fd);
    }
}
