package dev.uring.reactor.udp;

import dev.uring.core.SocketFlags;
import dev.uring.reactor.Uring;
import dev.uring.reactor.net.SocketSetup;
import java.net.SocketAddress;
import java.util.Objects;
import reactor.core.publisher.Mono;

/**
 * Datagram (UDP) clients on io_uring: SOCKET, the options, then CONNECT, which binds an ephemeral
 * local port and fixes the peer: {@link UdpSocket#send} needs no address, only the peer's
 * datagrams are received, and an ICMP port-unreachable from the peer fails the next op with
 * {@link java.net.PortUnreachableException}. For an unconnected socket that talks to many peers,
 * use {@link UdpServer#bind} (port 0 for an ephemeral one).
 */
public final class UdpClient {
    private UdpClient() {
    }

    /**
     * Connects a UDP socket to {@code address} on {@code uring} (a UDP connect sends nothing: it
     * fails only when there is no route or a ring policy refuses the destination).
     *
     * @throws IllegalArgumentException at assembly for an unresolved or non-IP address
     */
    public static Mono<UdpSocket> connect(Uring uring, SocketAddress address, UdpOptions options) {
        Objects.requireNonNull(uring, "uring");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(options, "options");
        int family = UdpServer.inetFamily(address);
        return SocketSetup.open(uring, family, SocketFlags.SOCK_DGRAM, "UDP to " + address,
                fd -> options.applyTo(fd, family), site -> site.connect(address, 0),
                site -> UdpSocket.open(site.uring(), site.loop(), site.socket(), options, true));
    }

    /** {@link #connect(Uring, SocketAddress, UdpOptions)} on {@link Uring#shared()} with default options. */
    public static Mono<UdpSocket> connect(SocketAddress address) {
        return connect(Uring.shared(), address, UdpOptions.defaults());
    }
}
