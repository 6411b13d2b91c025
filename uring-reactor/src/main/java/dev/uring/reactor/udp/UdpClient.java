package dev.uring.reactor.udp;

import dev.uring.core.SocketFlags;
import dev.uring.core.loop.EventLoop;
import dev.uring.reactor.Uring;
import dev.uring.reactor.net.ConnectionClosedException;
import dev.uring.reactor.net.SocketCallOp;
import dev.uring.reactor.net.SocketOp;
import dev.uring.reactor.op.CloseOp;
import dev.uring.reactor.op.FileHandle;
import dev.uring.reactor.op.MonoUringOp;
import dev.uring.reactor.op.OpRuntime;
import dev.uring.reactor.op.Runtimes;
import java.net.SocketAddress;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
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
        String target = "UDP to " + address;
        return Mono.defer(() -> {
            // the runtime of the policy in force here (this one, or its child for that policy)
            OpRuntime u = Runtimes.of(uring).routed();
            EventLoop loop = u.loop();
            return new MonoUringOp<>(u, loop, () -> new SocketOp(family, SocketFlags.SOCK_DGRAM, target), 0)
                    .flatMap(fd -> {
                        FileHandle socket = new FileHandle(fd, target, ConnectionClosedException::new);
                        AtomicBoolean adopted = new AtomicBoolean();
                        return Mono.fromCallable(() -> {
                                    options.applyTo(fd, family);
                                    return fd;
                                })
                                .then(new MonoUringOp<>(u, loop,
                                        () -> new SocketCallOp(socket, SocketCallOp.Kind.CONNECT, address, 0), 0))
                                .then(Mono.fromCallable(() -> {
                                    UdpSocket s = UdpSocket.open(u, loop, socket, family, options, true);
                                    adopted.set(true);
                                    return s;
                                }))
                                .doFinally(sig -> {
                                    if (!adopted.get()) {
                                        socket.close(() -> CloseOp.closeFd(loop, fd, () -> { }));
                                    }
                                });
                    });
        });
    }

    /** {@link #connect(Uring, SocketAddress, UdpOptions)} on {@link Uring#shared()} with default options. */
    public static Mono<UdpSocket> connect(SocketAddress address) {
        return connect(Uring.shared(), address, UdpOptions.defaults());
    }
}
