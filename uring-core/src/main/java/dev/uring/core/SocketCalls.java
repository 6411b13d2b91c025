package dev.uring.core;

import dev.uring.core.ffi.Errno;
import dev.uring.core.ffi.Native;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.net.BindException;
import java.net.SocketAddress;

/**
 * bind(2) and listen(2) as plain syscalls, for kernels without IORING_OP_BIND and IORING_OP_LISTEN
 * (before 6.11). Neither blocks: both only set up the socket, so a loop thread may call them. A ring
 * restricted by a policy is asked first ({@link Ring#fallbackDenied}), so that what the policy forbids
 * as an io_uring op is not done by the syscall instead.
 */
public final class SocketCalls {
    private SocketCalls() {
    }

    /**
     * Binds socket {@code fd} to {@code address}.
     *
     * @throws BindException when the address is in use or cannot be assigned
     * @throws IOException for other errors, named
     */
    public static void bind(int fd, SocketAddress address) throws IOException {
        int r;
        try (Arena a = Arena.ofConfined()) {
            r = Native.bind(fd, SocketAddresses.allocate(a, address));
        }
        if (r == -Errno.EADDRINUSE || r == -Errno.EADDRNOTAVAIL) {
            BindException e = new BindException((r == -Errno.EADDRINUSE ? "Address already in use: "
                    : "Cannot assign requested address: ") + address);
            e.initCause(Errors.toException(r, "bind", address.toString()));
            throw e;
        }
        if (r < 0) {
            throw Errors.toException(r, "bind", address.toString());
        }
    }

    /**
     * Makes socket {@code fd} listen with {@code backlog}.
     *
     * @throws IOException when the kernel refuses (the message names the errno)
     */
    public static void listen(int fd, int backlog) throws IOException {
        int r = Native.listen(fd, backlog);
        if (r < 0) {
            throw Errors.toException(r, "listen", "fd " + fd);
        }
    }
}
