package dev.uring.core;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import dev.uring.core.ffi.Native;
import dev.uring.core.ffi.SocketConstants;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * The integer socket options that stream and datagram sockets need, set and read with the plain
 * setsockopt(2)/getsockopt(2) syscalls. These never block (they assign a field of the socket),
 * so a loop thread may call them; an io_uring URING_CMD would cost a submission and a completion
 * for the same assignment, and needs Linux 6.7.
 */
public enum SocketOption {
    /** SO_REUSEADDR (SOL_SOCKET): bind a port whose old connections are in TIME_WAIT. */
    SO_REUSEADDR(SocketConstants.SOL_SOCKET, SocketConstants.SO_REUSEADDR),
    /** SO_REUSEPORT (SOL_SOCKET): several sockets may bind the same address and port. */
    SO_REUSEPORT(SocketConstants.SOL_SOCKET, SocketConstants.SO_REUSEPORT),
    /** SO_KEEPALIVE (SOL_SOCKET): send keep-alive probes on an idle connection. */
    SO_KEEPALIVE(SocketConstants.SOL_SOCKET, SocketConstants.SO_KEEPALIVE),
    /** SO_RCVBUF (SOL_SOCKET): the receive buffer size (the kernel doubles the value set). */
    SO_RCVBUF(SocketConstants.SOL_SOCKET, SocketConstants.SO_RCVBUF),
    /** SO_SNDBUF (SOL_SOCKET): the send buffer size (the kernel doubles the value set). */
    SO_SNDBUF(SocketConstants.SOL_SOCKET, SocketConstants.SO_SNDBUF),
    /** SO_ERROR (SOL_SOCKET), read only: the pending socket error, cleared by reading it. */
    SO_ERROR(SocketConstants.SOL_SOCKET, SocketConstants.SO_ERROR),
    /** TCP_NODELAY (IPPROTO_TCP): disable Nagle's algorithm. */
    TCP_NODELAY(SocketConstants.IPPROTO_TCP, SocketConstants.TCP_NODELAY),
    /** IPV6_V6ONLY (IPPROTO_IPV6): an IPv6 socket refuses IPv4-mapped peers. */
    IPV6_V6ONLY(SocketConstants.IPPROTO_IPV6, SocketConstants.IPV6_V6ONLY),
    /** SO_BROADCAST (SOL_SOCKET): a datagram socket may send to a broadcast address. */
    SO_BROADCAST(SocketConstants.SOL_SOCKET, SocketConstants.SO_BROADCAST),
    /** IP_MULTICAST_TTL (IPPROTO_IP): the TTL of outgoing IPv4 multicast datagrams (default 1). */
    IP_MULTICAST_TTL(SocketConstants.IPPROTO_IP, SocketConstants.IP_MULTICAST_TTL),
    /** IP_MULTICAST_LOOP (IPPROTO_IP): outgoing IPv4 multicast is looped back to local members (default on). */
    IP_MULTICAST_LOOP(SocketConstants.IPPROTO_IP, SocketConstants.IP_MULTICAST_LOOP),
    /** IPV6_MULTICAST_HOPS (IPPROTO_IPV6): the hop limit of outgoing IPv6 multicast datagrams. */
    IPV6_MULTICAST_HOPS(SocketConstants.IPPROTO_IPV6, SocketConstants.IPV6_MULTICAST_HOPS),
    /** IPV6_MULTICAST_LOOP (IPPROTO_IPV6): outgoing IPv6 multicast is looped back to local members. */
    IPV6_MULTICAST_LOOP(SocketConstants.IPPROTO_IPV6, SocketConstants.IPV6_MULTICAST_LOOP);

    /** Per-thread scratch for the value and its length: setting an option must not allocate. */
    private static final ThreadLocal<MemorySegment> SCRATCH =
            ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(JAVA_INT, 2));

    private final int level;
    private final int optname;

    SocketOption(int level, int optname) {
        this.level = level;
        this.optname = optname;
    }

    /** The protocol level (SOL_SOCKET, IPPROTO_TCP...). */
    public int level() {
        return level;
    }

    /** The option's number at its level. */
    public int optname() {
        return optname;
    }

    /**
     * Sets the option on socket {@code fd} to {@code value} (0 or 1 for the flags).
     *
     * @throws IOException (a {@link UringException} with the errno) when the kernel refuses
     */
    public void set(int fd, int value) throws IOException {
        MemorySegment v = SCRATCH.get().asSlice(0, 4);
        v.set(JAVA_INT, 0, value);
        int r = Native.setsockopt(fd, level, optname, v);
        if (r < 0) {
            throw Errors.toException(r, "setsockopt(" + name() + ")", "fd " + fd);
        }
    }

    /** Sets a flag option on or off; see {@link #set(int, int)}. */
    public void set(int fd, boolean on) throws IOException {
        set(fd, on ? 1 : 0);
    }

    /**
     * The option's value on socket {@code fd}.
     *
     * @throws IOException (a {@link UringException} with the errno) when the kernel refuses
     */
    public int get(int fd) throws IOException {
        MemorySegment s = SCRATCH.get();
        s.set(JAVA_INT, 4, 4);
        int r = Native.getsockopt(fd, level, optname, s.asSlice(0, 4), s.asSlice(4, 4));
        if (r < 0) {
            throw Errors.toException(r, "getsockopt(" + name() + ")", "fd " + fd);
        }
        return s.get(JAVA_INT, 0);
    }
}
