package dev.uring.core;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import dev.uring.core.ffi.SockaddrLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.lang.foreign.ValueLayout;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** Encodes and decodes {@code struct sockaddr} for BIND, CONNECT, ACCEPT and the msg_name of SENDMSG and RECVMSG. */
public final class SocketAddresses {
    /** AF_INET. */
    public static final int AF_INET = SockaddrLayout.AF_INET;
    /** AF_INET6. */
    public static final int AF_INET6 = SockaddrLayout.AF_INET6;
    /** AF_UNIX. */
    public static final int AF_UNIX = SockaddrLayout.AF_UNIX;
    /** The size of a {@code sockaddr_storage}, big enough for any address. */
    public static final long STORAGE_SIZE = SockaddrLayout.STORAGE_SIZE;
    /** A port, in network byte order; a constant: a layout made per call has no cached accessor. */
    private static final ValueLayout.OfShort PORT = JAVA_SHORT.withOrder(ByteOrder.BIG_ENDIAN);

    private SocketAddresses() {
    }

    /** The address family of {@code address}: AF_INET, AF_INET6 or AF_UNIX. */
    public static int family(SocketAddress address) {
        return switch (address) {
            case InetSocketAddress isa when isa.isUnresolved() ->
                throw new IllegalArgumentException("unresolved address " + isa + ": resolve it first");
            case InetSocketAddress isa -> isa.getAddress() instanceof Inet6Address ? AF_INET6 : AF_INET;
            case UnixDomainSocketAddress u -> AF_UNIX;
            default -> throw new IllegalArgumentException("unsupported address type " + address.getClass().getName());
        };
    }

    /** Allocates the sockaddr for {@code address} in {@code arena}, sized exactly (its byteSize is the addrlen). */
    public static MemorySegment allocate(SegmentAllocator arena, SocketAddress address) {
        return switch (address) {
            case InetSocketAddress isa when isa.isUnresolved() ->
                throw new IllegalArgumentException("unresolved address " + isa + ": resolve it first");
            case InetSocketAddress isa when isa.getAddress() instanceof Inet6Address v6 -> {
                MemorySegment s = arena.allocate(SockaddrLayout.IN6_SIZE, 4);
                s.set(JAVA_SHORT, 0, (short) AF_INET6);
                s.set(PORT, 2, (short) isa.getPort());
                MemorySegment.copy(MemorySegment.ofArray(v6.getAddress()), 0, s, 8, 16);
                s.set(JAVA_INT, 24, v6.getScopeId());
                yield s;
            }
            case InetSocketAddress isa -> {
                MemorySegment s = arena.allocate(SockaddrLayout.IN_SIZE, 4);
                s.set(JAVA_SHORT, 0, (short) AF_INET);
                s.set(PORT, 2, (short) isa.getPort());
                MemorySegment.copy(MemorySegment.ofArray(isa.getAddress().getAddress()), 0, s, 4, 4);
                yield s;
            }
            case UnixDomainSocketAddress u -> {
                byte[] path = u.getPath().toString().getBytes(StandardCharsets.UTF_8);
                if (path.length >= SockaddrLayout.UN_PATH_MAX) {
                    throw new IllegalArgumentException("unix socket path longer than " + (SockaddrLayout.UN_PATH_MAX - 1)
                            + " bytes: " + u.getPath());
                }
                MemorySegment s = arena.allocate(2 + path.length + 1L, 2);
                s.set(JAVA_SHORT, 0, (short) AF_UNIX);
                MemorySegment.copy(MemorySegment.ofArray(path), 0, s, 2, path.length);
                yield s;
            }
            default -> throw new IllegalArgumentException("unsupported address type " + address.getClass().getName());
        };
    }

    /** Decodes the first {@code length} bytes of a sockaddr the kernel wrote. */
    public static SocketAddress decode(MemorySegment addr, int length) {
        int family = Short.toUnsignedInt(addr.get(JAVA_SHORT, 0));
        try {
            return switch (family) {
                case AF_INET -> {
                    byte[] a = new byte[4];
                    MemorySegment.copy(addr, JAVA_BYTE, 4, a, 0, 4);
                    int port = Short.toUnsignedInt(addr.get(PORT, 2));
                    yield new InetSocketAddress(InetAddress.getByAddress(a), port);
                }
                case AF_INET6 -> {
                    byte[] a = new byte[16];
                    MemorySegment.copy(addr, JAVA_BYTE, 8, a, 0, 16);
                    int port = Short.toUnsignedInt(addr.get(PORT, 2));
                    yield new InetSocketAddress(Inet6Address.getByAddress(null, a, addr.get(JAVA_INT, 24)), port);
                }
                case AF_UNIX -> {
                    int n = Math.max(0, length - 2);
                    byte[] p = new byte[n];
                    MemorySegment.copy(addr, JAVA_BYTE, 2, p, 0, n);
                    int end = 0;
                    while (end < n && p[end] != 0) {
                        end++;
                    }
                    yield UnixDomainSocketAddress.of(new String(p, 0, end, StandardCharsets.UTF_8));
                }
                default -> throw new IllegalArgumentException("unknown address family " + family);
            };
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("malformed address", e);
        }
    }

    static boolean isV4(InetAddress a) {
        return a instanceof Inet4Address;
    }
}
