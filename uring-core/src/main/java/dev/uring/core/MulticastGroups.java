package dev.uring.core;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import dev.uring.core.ffi.IpMreqLayout;
import dev.uring.core.ffi.Native;
import dev.uring.core.ffi.SocketConstants;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;

/**
 * Multicast group membership and the outgoing multicast interface of a datagram socket, with
 * setsockopt(2) (IP_ADD_MEMBERSHIP / IPV6_ADD_MEMBERSHIP and their DROP pairs, IP_MULTICAST_IF /
 * IPV6_MULTICAST_IF): plain syscalls that assign socket state and never block, like
 * {@link SocketOption}. Interfaces are named by index ({@link java.net.NetworkInterface#getIndex()};
 * 0 lets the kernel choose by route).
 */
public final class MulticastGroups {
    private MulticastGroups() {
    }

    /**
     * Joins {@code group} on interface {@code ifindex}. An IPv4 group needs an AF_INET socket, an
     * IPv6 group an AF_INET6 socket.
     *
     * @throws IOException (a {@link UringException} with the errno) when the kernel refuses: not a
     *     multicast address (EINVAL), no such interface (ENODEV), already joined (EADDRINUSE)
     */
    public static void join(int fd, InetAddress group, int ifindex) throws IOException {
        membership(fd, group, ifindex, true);
    }

    /**
     * Leaves {@code group} on interface {@code ifindex}.
     *
     * @throws IOException when the kernel refuses: not joined (EADDRNOTAVAIL), ...
     */
    public static void leave(int fd, InetAddress group, int ifindex) throws IOException {
        membership(fd, group, ifindex, false);
    }

    /**
     * Sends multicast datagrams of socket {@code fd} (of {@code family}) out of interface
     * {@code ifindex} instead of by route (a host without a multicast route needs it).
     */
    public static void outgoingInterface(int fd, int family, int ifindex) throws IOException {
        try (Arena a = Arena.ofConfined()) {
            int r;
            if (family == SocketAddresses.AF_INET6) {
                MemorySegment v = a.allocate(JAVA_INT);
                v.set(JAVA_INT, 0, ifindex);
                r = Native.setsockopt(fd, SocketConstants.IPPROTO_IPV6, SocketConstants.IPV6_MULTICAST_IF, v);
            } else {
                MemorySegment m = a.allocate(IpMreqLayout.MREQN_SIZE, 4);
                m.set(JAVA_INT, IpMreqLayout.MREQN_IFINDEX, ifindex);
                r = Native.setsockopt(fd, SocketConstants.IPPROTO_IP, SocketConstants.IP_MULTICAST_IF, m);
            }
            if (r < 0) {
                throw Errors.toException(r, "setsockopt(MULTICAST_IF)", "fd " + fd + " interface " + ifindex);
            }
        }
    }

    private static void membership(int fd, InetAddress group, int ifindex, boolean join) throws IOException {
        if (!group.isMulticastAddress()) {
            throw new IllegalArgumentException(group + " is not a multicast address");
        }
        try (Arena a = Arena.ofConfined()) {
            byte[] raw = group.getAddress();
            int r;
            String name;
            if (group instanceof Inet6Address) {
                MemorySegment m = a.allocate(IpMreqLayout.IPV6_MREQ_SIZE, 4);
                MemorySegment.copy(MemorySegment.ofArray(raw), 0, m, IpMreqLayout.IPV6_MREQ_MULTIADDR, 16);
                m.set(JAVA_INT, IpMreqLayout.IPV6_MREQ_INTERFACE, ifindex);
                name = join ? "IPV6_ADD_MEMBERSHIP" : "IPV6_DROP_MEMBERSHIP";
                r = Native.setsockopt(fd, SocketConstants.IPPROTO_IPV6,
                        join ? SocketConstants.IPV6_ADD_MEMBERSHIP : SocketConstants.IPV6_DROP_MEMBERSHIP, m);
            } else if (group instanceof Inet4Address) {
                MemorySegment m = a.allocate(IpMreqLayout.MREQN_SIZE, 4);
                MemorySegment.copy(MemorySegment.ofArray(raw), 0, m, IpMreqLayout.MREQN_MULTIADDR, 4);
                m.set(JAVA_INT, IpMreqLayout.MREQN_IFINDEX, ifindex);
                name = join ? "IP_ADD_MEMBERSHIP" : "IP_DROP_MEMBERSHIP";
                r = Native.setsockopt(fd, SocketConstants.IPPROTO_IP,
                        join ? SocketConstants.IP_ADD_MEMBERSHIP : SocketConstants.IP_DROP_MEMBERSHIP, m);
            } else {
                throw new IllegalArgumentException("unsupported address type " + group.getClass().getName());
            }
            if (r < 0) {
                throw Errors.toException(r, "setsockopt(" + name + ")", "fd " + fd + " group " + group.getHostAddress()
                        + " interface " + ifindex);
            }
        }
    }
}
