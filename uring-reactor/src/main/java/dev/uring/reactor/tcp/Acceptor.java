package dev.uring.reactor.tcp;

import dev.uring.core.CqeFlags;
import dev.uring.core.SocketFlags;
import dev.uring.core.Sqe;
import dev.uring.core.loop.EventLoop;
import dev.uring.reactor.op.Errnos;
import dev.uring.reactor.op.FileHandle;
import dev.uring.reactor.op.MultishotEngine;
import dev.uring.reactor.op.OpRuntime;
import dev.uring.reactor.op.TimeoutOp;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.Disposable;

/**
 * The multishot ACCEPT of one listening socket, on the listener's loop: a single-use
 * {@link MultishotEngine} with unbounded demand, whose every accepted fd goes to the server, which
 * hands it to a loop. Armed again when the kernel ends the multishot; after a lack of resources
 * (EMFILE, ENFILE, ENOMEM, ENOBUFS) only after a short kernel TIMEOUT, so a full fd table does not
 * spin the loop. Its policy for what it cannot deliver: an fd accepted while stopping is closed,
 * never dropped. Loop thread only.
 */
final class Acceptor implements MultishotEngine.Source<Integer>, CoreSubscriber<Integer> {
    private static final long BACKOFF_NANOS = 10_000_000L;

    private final DisposableServer server;
    private final OpRuntime uring;
    private final EventLoop loop;
    private final FileHandle listener;
    private final MultishotEngine<Integer> engine;
    private @Nullable Subscription subscription;
    private boolean stopped;
    private @Nullable Disposable backoff;

    Acceptor(DisposableServer server, OpRuntime uring, EventLoop loop, FileHandle listener) {
        this.server = server;
        this.uring = uring;
        this.loop = loop;
        this.listener = listener;
        this.engine = new MultishotEngine<>(this, loop, false, Integer.MAX_VALUE);
    }

    /** Arms the multishot ACCEPT. */
    void start() {
        if (!stopped && subscription == null) {
            engine.subscribe(this);
        }
    }

    /** Stops accepting; the final CQE lets go of the listener. */
    void stop() {
        stopped = true;
        Disposable b = backoff;
        if (b != null) {
            b.dispose();
        }
        Subscription s = subscription;
        if (s != null) {
            s.cancel();
        }
    }

    /** How many times the ACCEPT was armed (for tests). */
    long armings() {
        return engine.armings();
    }

    @Override
    public void onSubscribe(Subscription s) {
        subscription = s;
        s.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(Integer fd) {
        server.accepted(fd);
    }

    @Override
    public void onError(Throwable t) {
        // only a closed runtime ends the engine with an error; the runtime then closes the listener
    }

    @Override
    public void onComplete() {
    }

    @Override
    public void acquire() {
        listener.acquire();
    }

    @Override
    public void unacquire() {
        listener.release();
    }

    @Override
    public void prep(Sqe sqe, boolean multishot) {
        sqe.prepMultishotAccept(listener.fd(), SocketFlags.SOCK_CLOEXEC);
    }

    @Override
    public void completion(int res, int flags, MultishotEngine.Outcome<Integer> out) {
        if (res >= 0) {
            out.item(res);
            return;
        }
        int e = -res;
        if (!CqeFlags.hasMore(flags)
                && (e == Errnos.EMFILE || e == Errnos.ENFILE || e == Errnos.ENOMEM || e == Errnos.ENOBUFS)) {
            out.pause();
            backoff = TimeoutOp.on(uring, loop, BACKOFF_NANOS).subscribe(v -> engine.resume(), t -> { });
        }
        // any other failure: the engine arms the ACCEPT again
    }

    @Override
    public void discard(Integer fd) {
        loop.nextSqe().prepClose(fd).userData(EventLoop.NO_COMPLETION);
    }

    @Override
    public String toString() {
        return "ACCEPT on " + listener.path();
    }
}
