package dev.uring.reactor.tcp;

import dev.uring.core.Errors;
import dev.uring.core.SocketFlags;
import dev.uring.core.SocketNames;
import dev.uring.core.loop.EventLoop;
import dev.uring.reactor.Uring;
import dev.uring.reactor.net.ConnectionClosedException;
import dev.uring.reactor.net.Inbound;
import dev.uring.reactor.net.MonoSendStream;
import dev.uring.reactor.net.RecvBufferPool;
import dev.uring.reactor.net.SendBuffers;
import dev.uring.reactor.net.SendOp;
import dev.uring.reactor.net.SendingSocket;
import dev.uring.reactor.net.SocketClose;
import dev.uring.reactor.net.SocketCallOp;
import dev.uring.reactor.net.SocketRuntime;
import dev.uring.reactor.op.CheckedSource;
import dev.uring.reactor.op.Errnos;
import dev.uring.reactor.op.FileHandle;
import dev.uring.reactor.op.MonoUringOp;
import dev.uring.reactor.op.OpRuntime;
import dev.uring.reactor.op.TimeoutOp;
import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * One connected stream socket (TCP over IPv4 or IPv6, or a Unix domain socket), served by one
 * loop of its {@link Uring}: every op of the connection runs there, and signals arrive on that
 * loop's thread (never block in them).
 *
 * <p>Inbound, {@link #receive()} is fed by RECV with buffer select from the loop's provided buffer
 * ring (multishot for a large demand), armed only while the subscriber has demand. Outbound,
 * {@link #send} writes a publisher's buffers in order, one SEND at a time. A peer reset fails
 * both with an {@link IOException}; {@link #shutdownOutput()} half-closes; {@link #dispose()} (or
 * {@link #close()}) cancels the ops in flight and closes the socket once no op holds it.
 */
public final class Connection implements Disposable {
    private final OpRuntime uring;
    private final EventLoop loop;
    private final FileHandle handle;
    private final Inbound<ReceivedBuffer> inbound;
    private final SocketAddress local;
    private final SocketAddress remote;
    private final SocketClose closing;
    private final long idleNanos;
    private @Nullable Disposable idleTimer;
    // loop thread only
    private long lastActivity;

    private final SendingSocket sending;

    private Connection(OpRuntime uring, EventLoop loop, FileHandle handle, RecvBufferPool pool, SendBuffers sends,
            TcpOptions options, SocketAddress local, SocketAddress remote) {
        this.uring = uring;
        this.loop = loop;
        this.handle = handle;
        this.local = local;
        this.remote = remote;
        this.inbound = new Inbound<>(new StreamReceive(this), loop, pool);
        Duration idle = options.idleTimeout();
        this.idleNanos = idle == null ? 0 : idle.toNanos();
        this.sending = new SendingSocket(this, handle, sends, options.zeroCopyThreshold(), remote, this::touch, this::error);
        this.closing = new SocketClose(this, uring, loop, handle, inbound, this::stopIdleTimer, () -> { });
    }

    /**
     * A connection over the connected socket of {@code handle}, on {@code loop}: sets the options,
     * takes the loop's buffer pool (registered on first use). Loop thread; on failure the caller
     * still owns the fd.
     */
    static Connection open(OpRuntime uring, EventLoop loop, FileHandle handle, int family, TcpOptions options)
            throws IOException {
        int fd = handle.fd();
        options.applyTo(fd, family, false);
        SocketRuntime sockets = SocketRuntime.of(uring);
        RecvBufferPool pool = sockets.pool(loop, options.readBufferSize(), options.readBufferCount());
        Connection c = new Connection(uring, loop, handle, pool, sockets.sendBuffers(loop), options,
                SocketNames.local(fd), SocketNames.peer(fd));
        c.closing.track();
        c.lastActivity = System.nanoTime();
        if (c.idleNanos > 0) {
            c.armIdle(c.idleNanos);
        }
        return c;
    }

    /** The runtime whose loop this connection is pinned to. */
    OpRuntime uring() {
        return uring;
    }

    /**
     * The received data, in order, as buffers lent from the loop's buffer ring (release each one).
     * Completes when the peer shuts down its output (end of stream) or this side closes, fails with
     * an {@link IOException} on a reset, or with {@link TimeoutException} past the idle timeout.
     * Receiving stops while the subscriber has no demand, so a slow consumer holds only the buffers
     * it asked for (a demand of 16 or more arms a multishot RECV, which may deliver a few more
     * before it stops). One subscriber at a time; data received after a cancel is kept for the
     * next subscriber, none is lost.
     */
    public Flux<ReceivedBuffer> receive() {
        return inbound;
    }

    /**
     * Sends every buffer of {@code data} in order, each one completely (moving its position to its
     * limit); completes when all were handed to the kernel, fails with an {@link IOException} when
     * the peer reset the connection, with {@link ClosedChannelException} when this side closed.
     * One SEND is in flight at a time, and buffers are requested as sends complete (backpressure).
     * A direct buffer is sent in place: do not modify it until the returned Mono terminates. A heap
     * buffer is copied to native memory first. Cold: nothing is sent before subscription.
     */
    public Mono<Void> send(Publisher<? extends ByteBuffer> data) {
        Objects.requireNonNull(data, "data");
        // an empty buffer sends nothing: it is skipped rather than sent as a SEND of 0 bytes
        Publisher<? extends ByteBuffer> nonEmpty = CheckedSource.of(data).filter(ByteBuffer::hasRemaining);
        return new MonoSendStream<ByteBuffer>(uring, loop, sending, nonEmpty, b -> SendOp.of(sending, b, null),
                b -> { }, 1, 1);
    }

    /**
     * {@link #send} of received buffers (an echo, a proxy) without a copy: each buffer is sent
     * from the ring memory it was received into, then released, also when the send fails or is
     * cancelled. Up to 16 buffers are requested ahead, enough for the source connection to keep a
     * multishot RECV armed; so a stalled peer holds at most 16 of the loop's buffers.
     */
    public Mono<Void> sendReceived(Publisher<ReceivedBuffer> data) {
        Objects.requireNonNull(data, "data");
        return new MonoSendStream<ReceivedBuffer>(uring, loop, sending, data,
                b -> SendOp.of(sending, b.segment(), null, null), ReceivedBuffer::release, 1, Inbound.MULTISHOT_DEMAND);
    }

    /**
     * Half-closes: shuts down the sending side (SHUTDOWN with SHUT_WR), so the peer reads the end
     * of the stream, while this side can still receive. Subscribe after the last {@link #send}
     * completed.
     */
    public Mono<Void> shutdownOutput() {
        return new MonoUringOp<>(uring, loop,
                () -> new SocketCallOp(handle, SocketCallOp.Kind.SHUTDOWN, null, SocketFlags.SHUT_WR), 0);
    }

    /**
     * Closes the connection, like {@link #dispose()}, and completes once the socket is closed
     * (as {@link #onClose()}).
     */
    public Mono<Void> close() {
        return closing.close();
    }

    /**
     * Begins closing: receiving and sending are cancelled in the kernel, the inbound Flux
     * completes, and the socket's fd is closed once no op holds it. Idempotent, any thread.
     */
    @Override
    public void dispose() {
        closing.dispose();
    }

    private void stopIdleTimer() {
        Disposable t = idleTimer;
        if (t != null) {
            t.dispose();
        }
    }

    /** Whether closing has begun. */
    @Override
    public boolean isDisposed() {
        return closing.isDisposed();
    }

    /** Completes once the socket's fd is closed. */
    public Mono<Void> onClose() {
        return closing.onClose();
    }

    /** The local address of the socket. */
    public SocketAddress localAddress() {
        return local;
    }

    /** The peer's address (for a Unix socket, often an unnamed, empty path). */
    public SocketAddress remoteAddress() {
        return remote;
    }

    FileHandle handle() {
        return handle;
    }

    /** How many times a receive was armed (for tests: unbounded demand arms one multishot RECV). */
    long receiveArmings() {
        return inbound.armings();
    }

    /** The buffers this connection's subscriber holds (lent and not released, queued ones included). */
    int buffersHeld() {
        return inbound.held();
    }

    /** Something was received or sent: the idle clock restarts. Loop thread. */
    void touch() {
        if (idleNanos > 0) {
            lastActivity = System.nanoTime();
        }
    }

    private void armIdle(long nanos) {
        idleTimer = TimeoutOp.on(uring, loop, nanos).subscribe(v -> checkIdle(), e -> { });
    }

    private void checkIdle() {
        if (closing.isDisposed()) {
            return;
        }
        long idleFor = System.nanoTime() - lastActivity;
        if (idleFor >= idleNanos) {
            inbound.fail(new TimeoutException("connection " + this + " idle for longer than " + Duration.ofNanos(idleNanos)));
            dispose();
        } else {
            armIdle(idleNanos - idleFor);
        }
    }

    /** The exception for a failed {@code op} with {@code res}: a closed connection, a reset, or the errno's. */
    Throwable error(int res, String op) {
        if (!handle.isOpen()) {
            return new ConnectionClosedException(toString());
        }
        IOException e = Errors.toException(res, op, toString());
        if (-res == Errnos.ECONNRESET || -res == Errnos.EPIPE) {
            return new IOException("connection reset by peer: " + this + " (" + op + ")", e);
        }
        return e;
    }

    @Override
    public String toString() {
        return local + " <-> " + remote;
    }
}
