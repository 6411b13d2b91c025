package dev.uring.reactor.tcp;

import dev.uring.core.SocketAddresses;
import dev.uring.core.SocketFlags;
import dev.uring.reactor.Uring;
import dev.uring.reactor.net.SocketSetup;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.Objects;
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
        Duration timeout = options.connectTimeout();
        long timeoutNanos = timeout == null ? 0 : timeout.toNanos();
        // the options go on in Connection.open, which accepted connections share
        return SocketSetup.open(uring, family, SocketFlags.SOCK_STREAM, "connection to " + address, fd -> { },
                site -> site.connect(address, timeoutNanos),
                site -> Connection.open(site.uring(), site.loop(), site.socket(), family, options));
    }

    /** {@link #connect(Uring, SocketAddress, TcpOptions)} on {@link Uring#shared()} with default options. */
    public static Mono<Connection> connect(SocketAddress address) {
        return connect(Uring.shared(), address, TcpOptions.defaults());
    }
}
