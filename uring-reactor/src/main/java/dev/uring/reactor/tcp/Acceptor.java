package dev.uring.reactor.tcp;

import dev.uring.core.CqeFlags;
import dev.uring.core.SocketFlags;
import dev.uring.core.loop.Completion;
import dev.uring.core.loop.EventLoop;
import dev.uring.reactor.op.Errnos;
import dev.uring.reactor.op.FileHandle;
import dev.uring.reactor.op.FluxUringMultishot;
import dev.uring.reactor.op.KernelHeld;
import dev.uring.reactor.op.OpRuntime;
import dev.uring.reactor.op.TimeoutOp;
import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;

/**
 * The multishot ACCEPT of one listening socket, on the listener's loop: each accepted fd goes to
 * the server, which hands it to a loop. Armed again when the kernel ends the multishot; after a
 * lack of resources (EMFILE, ENFILE, ENOMEM, ENOBUFS) only after a short kernel TIMEOUT, so a
 * full fd table does not spin the loop. Not FluxUringMultishot: an fd accepted while stopping
 * must be closed, never dropped. Loop thread only.
 */
final class Acceptor implements Completion {
    private static final long BACKOFF_NANOS = 10_000_000L;

    private final DisposableServer server;
    private final OpRuntime uring;
    private final EventLoop loop;
    private final FileHandle listener;
    private long userData;
    private boolean armed;
    private boolean stopped;
    private @Nullable Disposable backoff;

    Acceptor(DisposableServer server, OpRuntime uring, EventLoop loop, FileHandle listener) {
        this.server = server;
        this.uring = uring;
        this.loop = loop;
        this.listener = listener;
    }

    /** Arms the multishot ACCEPT. */
    void start() {
        if (stopped || armed) {
            return;
        }
        try {
            listener.acquire();
        } catch (RuntimeException e) {
            stopped = true;
            return;
        }
        long ud = loop.register(this);
        loop.nextSqe().prepMultishotAccept(listener.fd(), SocketFlags.SOCK_CLOEXEC).userData(ud);
        userData = ud;
        armed = true;
        KernelHeld.acquire();
    }

    /** Stops accepting; the final CQE lets go of the listener. */
    void stop() {
        stopped = true;
        Disposable b = backoff;
        if (b != null) {
            b.dispose();
        }
        if (armed) {
            loop.cancel(userData);
        }
    }

    @Override
    public void complete(int res, int flags) {
        if (!CqeFlags.hasMore(flags)) {
            armed = false;
            KernelHeld.release();
            listener.release();
        }
        if (res >= 0) {
            if (stopped) {
                loop.nextSqe().prepClose(res).userData(EventLoop.NO_COMPLETION);
            } else {
                server.accepted(res);
            }
        }
        if (armed || stopped) {
            return;
        }
        int e = -res;
        if (e == Errnos.EMFILE || e == Errnos.ENFILE || e == Errnos.ENOMEM || e == Errnos.ENOBUFS) {
            backoff = TimeoutOp.on(uring, loop, BACKOFF_NANOS).subscribe(v -> start(), t -> { });
        } else {
            start();
        }
    }
}
