package dev.uring.reactor;

import java.net.SocketAddress;
import java.nio.ByteBuffer;
import org.reactivestreams.Publisher;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * One connected stream socket (TCP over IPv4 or IPv6, or a Unix domain socket), served by one
 * loop of its {@link Uring}: every op of the connection runs there, and signals arrive on that
 * loop's thread (never block in them).
 *
 * <p>Inbound, {@link #receive()} is fed by a multishot RECV into the loop's provided buffer ring,
 * armed only while the subscriber has demand. Outbound, {@link #send} writes a publisher's buffers
 * in order, requesting the next one only when the previous one is in the kernel's hands. A peer
 * reset fails both with an {@link java.io.IOException}; {@link #shutdownOutput()} half-closes;
 * {@link #dispose()} (or {@link #close()}) closes the socket once its ops in flight are cancelled.
 */
public final class Connection implements Disposable {
    Connection() {
    }

    /**
     * The received data, in order, as buffers lent from the loop's buffer ring (release each one).
     * Completes when the peer shuts down its output (end of stream), fails with an
     * {@link java.io.IOException} on a reset, or with {@link java.util.concurrent.TimeoutException}
     * past the idle timeout. Receiving stops while the subscriber has no demand, so a slow consumer
     * holds only the buffers it asked for (plus the few of one kernel round). One subscriber at a
     * time; cancelling stops receiving (and a later subscriber continues where it stopped).
     */
    public Flux<ReceivedBuffer> receive() {
        throw new UnsupportedOperationException("not yet implemented");
    }

    /**
     * Sends every buffer of {@code data} in order, each one completely; completes when all were
     * handed to the kernel, fails with an {@link java.io.IOException} when the peer reset the
     * connection. Buffers are requested one by one as the previous one is sent (backpressure):
     * the caller must not touch a buffer until the next is requested. A direct buffer is sent in
     * place, a heap buffer through a native copy. Cold: nothing is sent before subscription.
     */
    public Mono<Void> send(Publisher<? extends ByteBuffer> data) {
        throw new UnsupportedOperationException("not yet implemented");
    }

    /**
     * {@link #send} of received buffers (an echo, a proxy) without a copy: each buffer is sent
     * from the ring memory it was received into, then released, also when the send fails or is
     * cancelled.
     */
    public Mono<Void> sendReceived(Publisher<ReceivedBuffer> data) {
        throw new UnsupportedOperationException("not yet implemented");
    }

    /**
     * Half-closes: shuts down the sending side (SHUTDOWN SHUT_WR), so the peer reads the end of the
     * stream, while this side can still receive. Subscribe after the last {@link #send} completed.
     */
    public Mono<Void> shutdownOutput() {
        throw new UnsupportedOperationException("not yet implemented");
    }

    /**
     * Closes the connection, like {@link #dispose()}, and completes once the socket is closed
     * (as {@link #onClose()}).
     */
    public Mono<Void> close() {
        throw new UnsupportedOperationException("not yet implemented");
    }

    /**
     * Begins closing: receiving and sending are cancelled in the kernel, the inbound Flux
     * completes, and the socket's fd is closed once no op holds it. Idempotent, any thread.
     */
    @Override
    public void dispose() {
        throw new UnsupportedOperationException("not yet implemented");
    }

    /** Whether closing has begun. */
    @Override
    public boolean isDisposed() {
        throw new UnsupportedOperationException("not yet implemented");
    }

    /** Completes once the socket's fd is closed (by either side's close, or after a failure). */
    public Mono<Void> onClose() {
        throw new UnsupportedOperationException("not yet implemented");
    }

    /** The local address of the socket. */
    public SocketAddress localAddress() {
        throw new UnsupportedOperationException("not yet implemented");
    }

    /** The peer's address (for a Unix socket, often an unnamed, empty path). */
    public SocketAddress remoteAddress() {
        throw new UnsupportedOperationException("not yet implemented");
    }
}
