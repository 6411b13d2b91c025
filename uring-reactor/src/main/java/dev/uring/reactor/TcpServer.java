package dev.uring.reactor;

import java.net.SocketAddress;
import java.util.function.Function;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;

/**
 * Stream socket servers (TCP over IPv4 and IPv6, Unix domain sockets) on io_uring.
 *
 * <p>The listening socket is created, bound and set listening with io_uring ops (SOCKET, BIND,
 * LISTEN), so ring policies apply to them. One multishot ACCEPT on one loop takes every
 * connection and hands each to the runtime's loops round-robin; each connection then lives on
 * its loop. (One socket per loop with SO_REUSEPORT was not chosen: it cannot serve Unix domain
 * sockets, and the kernel's hash spreads a few connections unevenly.)
 *
 * <p>For each connection {@code handler} is called on the connection's loop; the connection is
 * closed when the handler's publisher terminates (or is never subscribed if it throws).
 */
public final class TcpServer {
    private TcpServer() {
    }

    /**
     * Binds {@code address} (port 0 picks a free port, see {@link DisposableServer#address()}) on
     * {@code uring} and serves each accepted connection with {@code handler}.
     *
     * @throws IllegalArgumentException at assembly for an unresolved or unsupported address
     */
    public static Mono<DisposableServer> bind(Uring uring, SocketAddress address, TcpOptions options,
            Function<? super Connection, ? extends Publisher<Void>> handler) {
        throw new UnsupportedOperationException("not yet implemented");
    }

    /** {@link #bind(Uring, SocketAddress, TcpOptions, Function)} on {@link Uring#shared()}. */
    public static Mono<DisposableServer> bind(SocketAddress address, TcpOptions options,
            Function<? super Connection, ? extends Publisher<Void>> handler) {
        return bind(Uring.shared(), address, options, handler);
    }
}
