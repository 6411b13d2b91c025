package dev.uring.core;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import dev.uring.core.ffi.Native;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.SocketAddress;

/**
 * The local and peer addresses of a socket, with getsockname(2) and getpeername(2): plain
 * syscalls that never block. A multishot ACCEPT reports no peer address, hence these.
 */
public final class SocketNames {
    /** Per-thread sockaddr_storage and its length. */
    private static final ThreadLocal<MemorySegment> SCRATCH =
            ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(SocketAddresses.STORAGE_SIZE + 8, 8));

    private SocketNames() {
    }

    /**
     * The address socket {@code fd} is bound to (with the port the kernel picked for port 0).
     *
     * @throws IOException when {@code fd} is not a socket, or is closed
     */
    public static SocketAddress local(int fd) throws IOException {
        return name(fd, false);
    }

    /**
     * The address of the peer of connected socket {@code fd}.
     *
     * @throws IOException when {@code fd} is not a connected socket (ENOTCONN)
     */
    public static SocketAddress peer(int fd) throws IOException {
        return name(fd, true);
    }

    private static SocketAddress name(int fd, boolean peer) throws IOException {
        MemorySegment s = SCRATCH.get();
        MemorySegment addr = s.asSlice(0, SocketAddresses.STORAGE_SIZE);
        MemorySegment len = s.asSlice(SocketAddresses.STORAGE_SIZE, 4);
        len.set(JAVA_INT, 0, (int) SocketAddresses.STORAGE_SIZE);
        int r = peer ? Native.getpeername(fd, addr, len) : Native.getsockname(fd, addr, len);
        if (r < 0) {
            throw Errors.toException(r, peer ? "getpeername" : "getsockname", "fd " + fd);
        }
        return SocketAddresses.decode(addr, len.get(JAVA_INT, 0));
    }
}
