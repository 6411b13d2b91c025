package dev.uring.reactor.udp;

import dev.uring.core.MulticastGroups;
import dev.uring.core.SocketAddresses;
import dev.uring.core.SocketOption;
import java.io.IOException;
import java.net.NetworkInterface;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The socket options and receive buffers of a {@link UdpServer} or {@link UdpClient} socket:
 * immutable, each setter returns a copy. Start from {@link #defaults()}.
 *
 * <p>Datagrams land in a provided buffer ring that each loop shares between its sockets of the same
 * buffer size and count. Each buffer holds one datagram of up to {@link #maxDatagramSize()} bytes,
 * after the kernel's 16-byte {@code io_uring_recvmsg_out} header and room for the sender's address;
 * a longer datagram is cut by the kernel and reported as {@link Datagram#isTruncated() truncated}.
 */
public final class UdpOptions {
    /** The default {@link #maxDatagramSize()}: 2048 bytes (Netty's default for datagram channels). */
    public static final int DEFAULT_MAX_DATAGRAM_SIZE = 2048;
    /** The default {@link #readBufferCount()}: 256 buffers per loop. */
    public static final int DEFAULT_READ_BUFFER_COUNT = 256;
    /** The largest datagram an IP socket can carry (65535 minus the IPv4 and UDP headers). */
    public static final int MAX_UDP_PAYLOAD = 65507;

    private static final UdpOptions DEFAULTS = new UdpOptions(false, false, false, 0, 0, DEFAULT_MAX_DATAGRAM_SIZE,
            DEFAULT_READ_BUFFER_COUNT, null, true, 0, 0);

    private final boolean reuseAddress;
    private final boolean reusePort;
    private final boolean broadcast;
    private final int receiveBufferSize;
    private final int sendBufferSize;
    private final int maxDatagramSize;
    private final int readBufferCount;
    private final @Nullable NetworkInterface multicastInterface;
    private final boolean multicastLoop;
    private final int multicastTtl;
    private final int zeroCopyThreshold;

    private UdpOptions(boolean reuseAddress, boolean reusePort, boolean broadcast, int receiveBufferSize,
            int sendBufferSize, int maxDatagramSize, int readBufferCount, @Nullable NetworkInterface multicastInterface,
            boolean multicastLoop, int multicastTtl, int zeroCopyThreshold) {
        this.reuseAddress = reuseAddress;
        this.reusePort = reusePort;
        this.broadcast = broadcast;
        this.receiveBufferSize = receiveBufferSize;
        this.sendBufferSize = sendBufferSize;
        this.maxDatagramSize = maxDatagramSize;
        this.readBufferCount = readBufferCount;
        this.multicastInterface = multicastInterface;
        this.multicastLoop = multicastLoop;
        this.multicastTtl = multicastTtl;
        this.zeroCopyThreshold = zeroCopyThreshold;
    }

    /**
     * SO_REUSEADDR and SO_REUSEPORT off, no broadcast, the kernel's socket buffer sizes,
     * {@value #DEFAULT_READ_BUFFER_COUNT} buffers per loop for datagrams of up to
     * {@value #DEFAULT_MAX_DATAGRAM_SIZE} bytes, multicast out of the routed interface with loop-back
     * on and the kernel's TTL, no zero copy.
     */
    public static UdpOptions defaults() {
        return DEFAULTS;
    }

    /** SO_REUSEADDR: several sockets may bind the same address (needed by multicast receivers sharing a port). */
    public UdpOptions reuseAddress(boolean on) {
        return new UdpOptions(on, reusePort, broadcast, receiveBufferSize, sendBufferSize, maxDatagramSize,
                readBufferCount, multicastInterface, multicastLoop, multicastTtl, zeroCopyThreshold);
    }

    /** SO_REUSEPORT: sockets of this or another process may bind the same port; the kernel spreads datagrams. */
    public UdpOptions reusePort(boolean on) {
        return new UdpOptions(reuseAddress, on, broadcast, receiveBufferSize, sendBufferSize, maxDatagramSize,
                readBufferCount, multicastInterface, multicastLoop, multicastTtl, zeroCopyThreshold);
    }

    /** SO_BROADCAST: the socket may send to broadcast addresses. */
    public UdpOptions broadcast(boolean on) {
        return new UdpOptions(reuseAddress, reusePort, on, receiveBufferSize, sendBufferSize, maxDatagramSize,
                readBufferCount, multicastInterface, multicastLoop, multicastTtl, zeroCopyThreshold);
    }

    /**
     * SO_RCVBUF in bytes (the queue of datagrams not yet received; past it the kernel drops them);
     * 0 keeps the kernel's default.
     *
     * @throws IllegalArgumentException when {@code bytes} is negative
     */
    public UdpOptions receiveBufferSize(int bytes) {
        notNegative("receiveBufferSize", bytes);
        return new UdpOptions(reuseAddress, reusePort, broadcast, bytes, sendBufferSize, maxDatagramSize,
                readBufferCount, multicastInterface, multicastLoop, multicastTtl, zeroCopyThreshold);
    }

    /**
     * SO_SNDBUF in bytes; 0 keeps the kernel's default.
     *
     * @throws IllegalArgumentException when {@code bytes} is negative
     */
    public UdpOptions sendBufferSize(int bytes) {
        notNegative("sendBufferSize", bytes);
        return new UdpOptions(reuseAddress, reusePort, broadcast, receiveBufferSize, bytes, maxDatagramSize,
                readBufferCount, multicastInterface, multicastLoop, multicastTtl, zeroCopyThreshold);
    }

    /**
     * The longest datagram received whole; a longer one arrives cut to this size with
     * {@link Datagram#isTruncated()} set and its full length in {@link Datagram#originalLength()}.
     *
     * @throws IllegalArgumentException when {@code bytes} is not in 1..{@value #MAX_UDP_PAYLOAD}
     */
    public UdpOptions maxDatagramSize(int bytes) {
        if (bytes < 1 || bytes > MAX_UDP_PAYLOAD) {
            throw new IllegalArgumentException("maxDatagramSize must be in 1.." + MAX_UDP_PAYLOAD + ", got " + bytes);
        }
        return new UdpOptions(reuseAddress, reusePort, broadcast, receiveBufferSize, sendBufferSize, bytes,
                readBufferCount, multicastInterface, multicastLoop, multicastTtl, zeroCopyThreshold);
    }

    /**
     * The number of buffers in each loop's buffer ring for these sockets; when all are held,
     * receiving pauses until one is released (the kernel queues datagrams up to SO_RCVBUF meanwhile,
     * then drops them, as UDP does).
     *
     * @throws IllegalArgumentException when {@code count} is not a power of two in 1..32768
     */
    public UdpOptions readBufferCount(int count) {
        if (count < 1 || count > 32768 || Integer.bitCount(count) != 1) {
            throw new IllegalArgumentException("readBufferCount must be a power of two in 1..32768, got " + count);
        }
        return new UdpOptions(reuseAddress, reusePort, broadcast, receiveBufferSize, sendBufferSize, maxDatagramSize,
                count, multicastInterface, multicastLoop, multicastTtl, zeroCopyThreshold);
    }

    /** IP_MULTICAST_IF / IPV6_MULTICAST_IF: send multicast out of {@code iface} (null: by route). */
    public UdpOptions multicastInterface(@Nullable NetworkInterface iface) {
        return new UdpOptions(reuseAddress, reusePort, broadcast, receiveBufferSize, sendBufferSize, maxDatagramSize,
                readBufferCount, iface, multicastLoop, multicastTtl, zeroCopyThreshold);
    }

    /** IP_MULTICAST_LOOP / IPV6_MULTICAST_LOOP: local members of a group receive what this socket sends to it. */
    public UdpOptions multicastLoop(boolean on) {
        return new UdpOptions(reuseAddress, reusePort, broadcast, receiveBufferSize, sendBufferSize, maxDatagramSize,
                readBufferCount, multicastInterface, on, multicastTtl, zeroCopyThreshold);
    }

    /**
     * IP_MULTICAST_TTL / IPV6_MULTICAST_HOPS of outgoing multicast; 0 keeps the kernel's (1).
     *
     * @throws IllegalArgumentException when {@code ttl} is not in 0..255
     */
    public UdpOptions multicastTtl(int ttl) {
        if (ttl < 0 || ttl > 255) {
            throw new IllegalArgumentException("multicastTtl must be in 0..255, got " + ttl);
        }
        return new UdpOptions(reuseAddress, reusePort, broadcast, receiveBufferSize, sendBufferSize, maxDatagramSize,
                readBufferCount, multicastInterface, multicastLoop, ttl, zeroCopyThreshold);
    }

    /**
     * Sends datagrams of at least {@code bytes} zero-copy (SEND_ZC / SENDMSG_ZC; a send then ends
     * only at the kernel's notification that it let go of the buffer). 0, the default, is off.
     *
     * @throws IllegalArgumentException when {@code bytes} is negative
     */
    public UdpOptions zeroCopyThreshold(int bytes) {
        notNegative("zeroCopyThreshold", bytes);
        return new UdpOptions(reuseAddress, reusePort, broadcast, receiveBufferSize, sendBufferSize, maxDatagramSize,
                readBufferCount, multicastInterface, multicastLoop, multicastTtl, bytes);
    }

    /** Whether SO_REUSEADDR is set. */
    public boolean reuseAddress() {
        return reuseAddress;
    }

    /** Whether SO_REUSEPORT is set. */
    public boolean reusePort() {
        return reusePort;
    }

    /** Whether SO_BROADCAST is set. */
    public boolean broadcast() {
        return broadcast;
    }

    /** SO_RCVBUF, or 0 for the kernel's default. */
    public int receiveBufferSize() {
        return receiveBufferSize;
    }

    /** SO_SNDBUF, or 0 for the kernel's default. */
    public int sendBufferSize() {
        return sendBufferSize;
    }

    /** The longest datagram received whole. */
    public int maxDatagramSize() {
        return maxDatagramSize;
    }

    /** The number of receive buffers per loop. */
    public int readBufferCount() {
        return readBufferCount;
    }

    /** The outgoing multicast interface, or null to go by route. */
    public @Nullable NetworkInterface multicastInterface() {
        return multicastInterface;
    }

    /** Whether multicast sent is looped back to local members. */
    public boolean multicastLoop() {
        return multicastLoop;
    }

    /** The multicast TTL, or 0 for the kernel's. */
    public int multicastTtl() {
        return multicastTtl;
    }

    /** The size from which a send is zero-copy, or 0 when zero copy is off. */
    public int zeroCopyThreshold() {
        return zeroCopyThreshold;
    }

    /** The size of each ring buffer: the kernel's header, the address room and the datagram. */
    int ringBufferSize() {
        return DatagramReceive.PAYLOAD_OFFSET + maxDatagramSize;
    }

    private static void notNegative(String name, int value) {
        if (value < 0) {
            throw new IllegalArgumentException(name + " must not be negative, got " + value);
        }
    }

    /** Sets these options on datagram socket {@code fd} of {@code family} (never blocks). */
    void applyTo(int fd, int family) throws IOException {
        boolean v6 = family == SocketAddresses.AF_INET6;
        if (reuseAddress) {
            SocketOption.SO_REUSEADDR.set(fd, true);
        }
        if (reusePort) {
            SocketOption.SO_REUSEPORT.set(fd, true);
        }
        if (broadcast) {
            SocketOption.SO_BROADCAST.set(fd, true);
        }
        if (receiveBufferSize > 0) {
            SocketOption.SO_RCVBUF.set(fd, receiveBufferSize);
        }
        if (sendBufferSize > 0) {
            SocketOption.SO_SNDBUF.set(fd, sendBufferSize);
        }
        if (family == SocketAddresses.AF_UNIX) {
            return;
        }
        NetworkInterface iface = multicastInterface;
        if (iface != null) {
            MulticastGroups.outgoingInterface(fd, family, iface.getIndex());
        }
        if (!multicastLoop) {
            (v6 ? SocketOption.IPV6_MULTICAST_LOOP : SocketOption.IP_MULTICAST_LOOP).set(fd, false);
        }
        if (multicastTtl > 0) {
            (v6 ? SocketOption.IPV6_MULTICAST_HOPS : SocketOption.IP_MULTICAST_TTL).set(fd, multicastTtl);
        }
    }

    @Override
    public boolean equals(@Nullable Object o) {
        return o instanceof UdpOptions u && reuseAddress == u.reuseAddress && reusePort == u.reusePort
                && broadcast == u.broadcast && receiveBufferSize == u.receiveBufferSize
                && sendBufferSize == u.sendBufferSize && maxDatagramSize == u.maxDatagramSize
                && readBufferCount == u.readBufferCount && Objects.equals(multicastInterface, u.multicastInterface)
                && multicastLoop == u.multicastLoop && multicastTtl == u.multicastTtl
                && zeroCopyThreshold == u.zeroCopyThreshold;
    }

    @Override
    public int hashCode() {
        return Objects.hash(reuseAddress, reusePort, broadcast, receiveBufferSize, sendBufferSize, maxDatagramSize,
                readBufferCount, multicastInterface, multicastLoop, multicastTtl, zeroCopyThreshold);
    }

    @Override
    public String toString() {
        return "UdpOptions[reuseAddress=" + reuseAddress + ", reusePort=" + reusePort + ", broadcast=" + broadcast
                + ", receiveBufferSize=" + receiveBufferSize + ", sendBufferSize=" + sendBufferSize
                + ", maxDatagramSize=" + maxDatagramSize + ", readBufferCount=" + readBufferCount
                + ", multicastInterface=" + (multicastInterface == null ? null : multicastInterface.getName())
                + ", multicastLoop=" + multicastLoop + ", multicastTtl=" + multicastTtl
                + ", zeroCopyThreshold=" + zeroCopyThreshold + "]";
    }
}
