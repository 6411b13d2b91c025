package dev.uring.reactor;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;

/**
 * A listening server from {@link TcpServer#bind}: accepts until disposed. {@link #dispose()}
 * stops accepting, closes the listening socket and every connection it accepted.
 */
public final class DisposableServer implements Disposable {
    DisposableServer() {
    }

    /** The bound address (with the port the kernel picked when bound to port 0). */
    public SocketAddress address() {
        throw new UnsupportedOperationException("not yet implemented");
    }

    /**
     * The bound port.
     *
     * @throws IllegalStateException for a Unix domain socket, which has no port
     */
    public int port() {
        SocketAddress a = address();
        if (a instanceof InetSocketAddress isa) {
            return isa.getPort();
        }
        throw new IllegalStateException("a Unix domain socket has no port: " + a);
    }

    /** The number of accepted connections not yet closed. */
    public int connectionCount() {
        throw new UnsupportedOperationException("not yet implemented");
    }

    /** Stops accepting and closes the listening socket and the open connections; idempotent, any thread. */
    @Override
    public void dispose() {
        throw new UnsupportedOperationException("not yet implemented");
    }

    /** Whether {@link #dispose()} has been called. */
    @Override
    public boolean isDisposed() {
        throw new UnsupportedOperationException("not yet implemented");
    }

    /** Completes once the listening socket and every accepted connection are closed. */
    public Mono<Void> onDispose() {
        throw new UnsupportedOperationException("not yet implemented");
    }
}
