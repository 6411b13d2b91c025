package dev.uring.reactor.tcp;

import dev.uring.core.loop.EventLoop;
import dev.uring.reactor.net.ConnectionClosedException;
import dev.uring.reactor.op.CloseOp;
import dev.uring.reactor.op.FileHandle;
import dev.uring.reactor.op.OpRuntime;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.reactivestreams.Publisher;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * A listening server from {@link TcpServer#bind}: accepts until disposed. {@link #dispose()}
 * stops accepting, closes the listening socket and every connection it accepted.
 */
public final class DisposableServer implements Disposable {
    private final OpRuntime uring;
    private final EventLoop loop;
    private final FileHandle listener;
    private final SocketAddress address;
    private final int family;
    private final TcpOptions options;
    private final Function<? super Connection, ? extends Publisher<Void>> handler;
    private final Acceptor acceptor;
    private final Set<Connection> connections = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean disposed = new AtomicBoolean();
    private final Sinks.Empty<Void> listenerClosed = Sinks.empty();

    DisposableServer(OpRuntime uring, EventLoop loop, FileHandle listener, SocketAddress address, int family,
            TcpOptions options, Function<? super Connection, ? extends Publisher<Void>> handler) {
        this.uring = uring;
        this.loop = loop;
        this.listener = listener;
        this.address = address;
        this.family = family;
        this.options = options;
        this.handler = handler;
        this.acceptor = new Acceptor(this, uring, loop, listener);
    }

    /** Starts accepting; loop thread. */
    void start() {
        uring.resources().track(this, () -> {
            dispose();
            return onDispose();
        });
        acceptor.start();
    }

    /** An accepted fd (on the listener's loop): served on the next loop round-robin. */
    void accepted(int fd) {
        EventLoop target = uring.group().next();
        try {
            target.runOrExecute(() -> serve(target, fd));
        } catch (RejectedExecutionException e) {
            loop.nextSqe().prepClose(fd).userData(EventLoop.NO_COMPLETION);
        }
    }

    private void serve(EventLoop target, int fd) {
        FileHandle socket = new FileHandle(fd, "connection accepted by " + address, ConnectionClosedException::new);
        Connection c;
        try {
            c = Connection.open(uring, target, socket, family, options);
        } catch (Exception e) {
            // the peer reset before we got to it, or no buffer pool: drop this connection only
            socket.close(() -> CloseOp.closeFd(target, fd, () -> { }));
            return;
        }
        connections.add(c);
        c.onClose().subscribe(null, null, () -> connections.remove(c));
        if (disposed.get()) {
            c.dispose();
            return;
        }
        Publisher<Void> p;
        try {
            p = handler.apply(c);
        } catch (Throwable t) {
            c.dispose();
            return;
        }
        Flux.from(p).subscribe(null, t -> c.dispose(), c::dispose);
    }

    /** The bound address (with the port the kernel picked when bound to port 0). */
    public SocketAddress address() {
        return address;
    }

    /**
     * The bound port.
     *
     * @throws IllegalStateException for a Unix domain socket, which has no port
     */
    public int port() {
        if (address instanceof InetSocketAddress isa) {
            return isa.getPort();
        }
        throw new IllegalStateException("a Unix domain socket has no port: " + address);
    }

    /** How many times the ACCEPT was armed (for tests; listener's loop thread). */
    long acceptArmings() {
        return acceptor.armings();
    }

    /** The number of accepted connections not yet closed. */
    public int connectionCount() {
        return connections.size();
    }

    /** Stops accepting and closes the listening socket and the open connections; idempotent, any thread. */
    @Override
    public void dispose() {
        if (!disposed.compareAndSet(false, true)) {
            return;
        }
        try {
            loop.runOrExecute(() -> {
                acceptor.stop();
                listener.close(() -> CloseOp.closeFd(loop, listener.fd(), () -> {
                    uring.resources().untrack(this);
                    listenerClosed.tryEmitEmpty();
                }));
            });
        } catch (RejectedExecutionException e) {
            listenerClosed.tryEmitEmpty();
        }
        for (Connection c : connections) {
            c.dispose();
        }
    }

    /** Whether {@link #dispose()} has been called. */
    @Override
    public boolean isDisposed() {
        return disposed.get();
    }

    /** Completes once the listening socket and every accepted connection are closed. */
    public Mono<Void> onDispose() {
        return listenerClosed.asMono().then(Mono.defer(() -> {
            List<Mono<Void>> closing = new ArrayList<>();
            for (Connection c : connections) {
                closing.add(c.onClose());
            }
            return Mono.when(closing);
        }));
    }

    @Override
    public String toString() {
        return "DisposableServer[" + address + "]";
    }
}
