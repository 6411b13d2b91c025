package dev.uring.reactor.udp;

import dev.uring.core.SocketAddresses;
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
        String target = "UDP " + address;
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
                                .then(SocketCallOp.bind(u, loop, socket, address))
                                .then(Mono.fromCallable(() -> {
                                    UdpSocket s = UdpSocket.open(u, loop, socket, family, options, false);
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
