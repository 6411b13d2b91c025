package dev.uring.reactor;

import java.net.SocketAddress;
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
     *
     * @throws IllegalArgumentException at assembly for an unresolved or unsupported address
     */
    public static Mono<Connection> connect(Uring uring, SocketAddress address, TcpOptions options) {
        throw new UnsupportedOperationException("not yet implemented");
    }

    /** {@link #connect(Uring, SocketAddress, TcpOptions)} on {@link Uring#shared()} with default options. */
    public static Mono<Connection> connect(SocketAddress address) {
        return connect(Uring.shared(), address, TcpOptions.defaults());
    }
}
