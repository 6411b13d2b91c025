package dev.uring.reactor.tcp;

import dev.uring.core.SocketAddresses;
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
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import reactor.core.publisher.Mono;

/**
 * Stream socket clients (TCP over IPv4 and IPv6, Unix domain sockets) on io_uring: SOCKET, the
 * options, then CONNECT, linked to a kernel LINK_TIMEOUT when {@link TcpOptions#connectTimeout()} is set.
 */
public final class TcpClient {
    private TcpClient() {
    }

    /**
     * Connects to {@code address} on {@code uring} (the connection lives on the subscribing loop,
     * or the next one round-robin). A refused connect fails with {@link java.net.ConnectException}
     * naming the address; past the connect timeout with {@link java.util.concurrent.TimeoutException}.
     * Cancelling the Mono cancels the connect and closes the socket.
     *
     * @throws IllegalArgumentException at assembly for an unresolved or unsupported address
     */
    public static Mono<Connection> connect(Uring uring, SocketAddress address, TcpOptions options) {
        Objects.requireNonNull(uring, "uring");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(options, "options");
        int family = SocketAddresses.family(address);
        String target = address.toString();
        Duration timeout = options.connectTimeout();
        long timeoutNanos = timeout == null ? 0 : timeout.toNanos();
        return Mono.defer(() -> {
            // the runtime of the policy in force here (this one, or its child for that policy)
            OpRuntime u = Runtimes.of(uring).routed();
            EventLoop loop = u.loop();
            return new MonoUringOp<>(u, loop, () -> new SocketOp(family, target), 0)
                    .flatMap(fd -> {
                        FileHandle socket = new FileHandle(fd, "connection to " + target, ConnectionClosedException::new);
                        AtomicBoolean adopted = new AtomicBoolean();
                        return new MonoUringOp<>(u, loop,
                                        () -> new SocketCallOp(socket, SocketCallOp.Kind.CONNECT, address, 0), timeoutNanos)
                                .then(Mono.fromCallable(() -> {
                                    Connection c = Connection.open(u, loop, socket, family, options);
                                    adopted.set(true);
                                    return c;
                                }))
                                .doFinally(s -> {
                                    if (!adopted.get()) {
                                        socket.close(() -> CloseOp.closeFd(loop, fd, () -> { }));
                                    }
                                });
                    });
        });
    }

    /** {@link #connect(Uring, SocketAddress, TcpOptions)} on {@link Uring#shared()} with default options. */
    public static Mono<Connection> connect(SocketAddress address) {
        return connect(Uring.shared(), address, TcpOptions.defaults());
    }
}
