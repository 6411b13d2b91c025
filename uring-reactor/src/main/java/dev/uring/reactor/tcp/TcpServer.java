package dev.uring.reactor.tcp;

import dev.uring.core.SocketAddresses;
import dev.uring.core.SocketFlags;
import dev.uring.core.SocketNames;
import dev.uring.reactor.Uring;
import dev.uring.reactor.net.SocketRuntime;
import dev.uring.reactor.net.SocketSetup;
import java.net.SocketAddress;
import java.util.Objects;
import java.util.function.Function;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;

/**
 * Stream socket servers (TCP over IPv4 and IPv6, Unix domain sockets) on io_uring.
 *
 * <p>The listening socket is created, bound and set listening with io_uring ops (SOCKET, BIND,
 * LISTEN), so ring policies apply to them; on kernels before 6.11, which lack BIND and LISTEN, with
 * bind(2) and listen(2) on the loop (neither blocks), which the ring's policy is asked about first. One multishot ACCEPT on one loop takes every
 * connection and hands each to the runtime's loops round-robin; each connection then lives on
 * its loop. (One socket per loop with SO_REUSEPORT was not chosen: it cannot serve Unix domain
 * sockets, and the kernel's hash spreads a few connections unevenly.)
 *
 * <p>For each connection {@code handler} is called on the connection's loop; the connection is
 * closed when the handler's publisher terminates (at once if the handler throws). A connection the
 * peer reset before it was handed to its loop is closed without calling the handler.
 */
public final class TcpServer {
    private TcpServer() {
    }

    /**
     * Binds {@code address} (port 0 picks a free port, see {@link DisposableServer#address()}) on
     * {@code uring} and serves each accepted connection with {@code handler}. An address in use
     * fails with {@link java.net.BindException}. A Unix socket's file is not removed on dispose.
     *
     * @throws IllegalArgumentException at assembly for an unresolved or unsupported address
     */
    public static Mono<DisposableServer> bind(Uring uring, SocketAddress address, TcpOptions options,
            Function<? super Connection, ? extends Publisher<Void>> handler) {
        Objects.requireNonNull(uring, "uring");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(handler, "handler");
        int family = SocketAddresses.family(address);
        return SocketSetup.open(uring, family, SocketFlags.SOCK_STREAM, "listener on " + address,
                fd -> options.applyTo(fd, family, true),
                site -> site.bind(address).then(site.listen(options.backlog())),
                site -> {
                    // the listener loop's buffer ring now, so a refusal (memlock) fails the bind, not each connection
                    SocketRuntime.of(site.uring()).pool(site.loop(), options.readBufferSize(), options.readBufferCount());
                    DisposableServer s = new DisposableServer(site.uring(), site.loop(), site.socket(),
                            SocketNames.local(site.socket().fd()), family, options, handler);
                    s.start();
                    return s;
                });
    }

    /** {@link #bind(Uring, SocketAddress, TcpOptions, Function)} on {@link Uring#shared()}. */
    public static Mono<DisposableServer> bind(SocketAddress address, TcpOptions options,
            Function<? super Connection, ? extends Publisher<Void>> handler) {
        return bind(Uring.shared(), address, options, handler);
    }
}
