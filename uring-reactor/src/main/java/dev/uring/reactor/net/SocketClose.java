package dev.uring.reactor.net;

import dev.uring.core.CancelFlags;
import dev.uring.core.loop.EventLoop;
import dev.uring.reactor.op.CloseOp;
import dev.uring.reactor.op.FileHandle;
import dev.uring.reactor.op.OpRuntime;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * How an open socket (a {@code Connection}, a {@code UdpSocket}) closes, once, from any thread:
 * on its loop, one ASYNC_CANCEL for every op on the fd (receive, sends, shutdown), the inbound Flux
 * completes, and the fd's CLOSE goes out when the last op let go of the handle (their final CQEs);
 * then the socket is forgotten by its runtime and {@link #onClose()} completes. The socket is
 * tracked by its runtime from {@link #track()}, so that closing the runtime closes it.
 */
public final class SocketClose {
    private final Object owner;
    private final OpRuntime uring;
    private final EventLoop loop;
    private final FileHandle handle;
    private final Inbound<?> inbound;
    private final Runnable beforeCancel;
    private final Runnable afterFdClosed;
    private final AtomicBoolean disposed = new AtomicBoolean();
    private final Sinks.Empty<Void> closed = Sinks.empty();

    /**
     * The close of {@code owner}; {@code beforeCancel} runs on the loop first (stop a timer),
     * {@code afterFdClosed} on the loop once the fd is closed (free memory that ops could read).
     */
    public SocketClose(Object owner, OpRuntime uring, EventLoop loop, FileHandle handle, Inbound<?> inbound,
            Runnable beforeCancel, Runnable afterFdClosed) {
        this.owner = owner;
        this.uring = uring;
        this.loop = loop;
        this.handle = handle;
        this.inbound = inbound;
        this.beforeCancel = beforeCancel;
        this.afterFdClosed = afterFdClosed;
    }

    /** Registers the socket with its runtime, which closes it when the runtime closes. */
    public void track() {
        uring.resources().track(owner, this::close);
    }

    /** Begins closing; idempotent, any thread. */
    public void dispose() {
        if (disposed.compareAndSet(false, true)) {
            try {
                loop.runOrExecute(this::closeOnLoop);
            } catch (RejectedExecutionException e) {
                // the loop is closing: it cancels every op; the fd closes with the runtime's sockets
                closed.tryEmitEmpty();
            }
        }
    }

    private void closeOnLoop() {
        beforeCancel.run();
        loop.nextSqe().prepCancelFd(handle.fd(), CancelFlags.ALL).userData(EventLoop.NO_COMPLETION);
        inbound.close();
        handle.close(() -> CloseOp.closeFd(loop, handle.fd(), () -> {
            afterFdClosed.run();
            uring.resources().untrack(owner);
            closed.tryEmitEmpty();
        }));
    }

    /** {@link #dispose()}, completing once the fd is closed. */
    public Mono<Void> close() {
        return Mono.defer(() -> {
            dispose();
            return onClose();
        });
    }

    /** Whether closing has begun. */
    public boolean isDisposed() {
        return disposed.get();
    }

    /** Completes once the fd is closed. */
    public Mono<Void> onClose() {
        return closed.asMono();
    }
}
