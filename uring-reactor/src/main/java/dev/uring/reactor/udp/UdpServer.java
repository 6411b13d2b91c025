package dev.uring.reactor.udp;

import dev.uring.core.SocketAddresses;
import dev.uring.core.SocketFlags;
import dev.uring.reactor.Uring;
import dev.uring.reactor.net.SocketSetup;
import java.net.SocketAddress;
import java.util.Objects;
import reactor.core.publisher.Mono;

/**
 * Datagram (UDP) servers on io_uring: a socket bound to a local address that receives from and
 * sends to any peer. SOCKET and BIND are io_uring ops, so ring policies apply to them; the socket
 * lives on one loop of the runtime (the next one round-robin). For several loops on one port, bind
 * one socket per loop with {@link UdpOptions#reusePort(boolean)}: the kernel then spreads the
 * peers over them.
 */
public final class UdpServer {
    private UdpServer() {
    }

    /**
     * Binds a UDP socket to {@code address} (port 0 picks a free port, see
     * {@link UdpSocket#localAddress()}) on {@code uring}. An address in use fails with
     * {@link java.net.BindException}. Cancelling the Mono closes the socket.
     *
     * @throws IllegalArgumentException at assembly for an unresolved or non-IP address
     */
    public static Mono<UdpSocket> bind(Uring uring, SocketAddress address, UdpOptions options) {
        Objects.requireNonNull(uring, "uring");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(options, "options");
        int family = inetFamily(address);
        return SocketSetup.open(uring, family, SocketFlags.SOCK_DGRAM, "UDP " + address,
                fd -> options.applyTo(fd, family), site -> site.bind(address),
                site -> UdpSocket.open(site.uring(), site.loop(), site.socket(), options, false));
    }

    /** {@link #bind(Uring, SocketAddress, UdpOptions)} on {@link Uring#shared()} with default options. */
    public static Mono<UdpSocket> bind(SocketAddress address) {
        return bind(Uring.shared(), address, UdpOptions.defaults());
    }

    static int inetFamily(SocketAddress address) {
        int family = SocketAddresses.family(address);
        if (family != SocketAddresses.AF_INET && family != SocketAddresses.AF_INET6) {
            throw new IllegalArgumentException("UDP needs an IPv4 or IPv6 address, got " + address);
        }
        return family;
    }
}
