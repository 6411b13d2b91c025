package dev.uring.nio;

import dev.uring.core.Errors;
import dev.uring.core.FileCalls;
import dev.uring.core.Sqe;
import dev.uring.core.loop.EventLoop;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import org.jspecify.annotations.Nullable;

/**
 * The ops of one channel between their hand-over to a loop and their final CQE, and the close that
 * waits for them. An op takes a reference on the fd before it is handed over; {@link #close} stops
 * new ops (they fail with {@link ClosedChannelException}), fails the ops not yet submitted and the
 * ones the kernel cancels with {@link AsynchronousCloseException}, asks each loop to cancel the ops
 * it has in the kernel (ASYNC_CANCEL), and closes the fd (a CLOSE op) only once the last of them
 * has had its final CQE: no op ever names an fd number that was closed and may have been reused.
 * The ops go to the group's loops in turn ({@link #OPS_PER_LOOP} to a loop). The ops each loop has
 * in the kernel are a list of that loop's (linked through the ops themselves, so no allocation and
 * no lock per op); cancels and the close's cancel-all run on the loop whose list they read.
 */
final class InFlight {
    /** Linux's ECANCELED: the CQE of an op ASYNC_CANCEL stopped. */
    private static final int ECANCELED = 125;
    /** {@link #readCached}'s answer on a closed channel: Linux's -EBADF. */
    static final int CLOSED = -9;

    /**
     * Ops handed to one loop before the next op goes to the next loop of the group; 0 (or less):
     * every op of a channel to one loop. {@code -During.nio.opsPerLoop=N}, default 16.
     */
    static final int OPS_PER_LOOP = Integer.getInteger("uring.nio.opsPerLoop", 16);
    private final Loops loops;
    /** The loop the channel's first ops go to, and its CLOSE op runs on (picked round-robin at open). */
    private final EventLoop home;
    /** The loops, in index order. */
    private final EventLoop[] spread;
    /** Counts hand-overs to pick the loop; racy on purpose (only the spread depends on it). */
    private int handedOver;
    private final ChannelFd fd;
    private final String path;
    /** Per loop index, that loop's ops between their start and their final CQE, newest first; that loop's thread only. */
    private final @Nullable FileOp<?>[] started;
    private final CompletableFuture<Void> fdClosed = new CompletableFuture<>();
    private volatile boolean closing;

    InFlight(Loops loops, int fd, String path) {
        this.loops = loops;
        this.home = loops.pick();
        this.spread = loops.all();
        this.started = new FileOp<?>[spread.length];
        this.handedOver = home.index() * Math.max(1, OPS_PER_LOOP);
        this.fd = new ChannelFd(fd);
        this.path = path;
    }

    Loops loops() {
        return loops;
    }

    /** Whether {@link #close} has begun. */
    boolean isClosing() {
        return closing;
    }

    /** Hands {@code op} to the channel's loop (run at once when the caller is that loop); its outcome gets the result. */
    <V> void submit(FileOp<V> op) {
        if (!fd.acquire()) {
            op.outcome.failed(new ClosedChannelException());
            return;
        }
        op.owner(this);
        try {
            EventLoop loop = pickFor();
            op.target = loop;
            loop.runOrExecute(op);
        } catch (RejectedExecutionException e) {
            finish(op, null, new AsynchronousCloseException());
        }
    }

    /** Starts {@code op} on the channel's loop: its SQE, or its failure. */
    <V> void start(FileOp<V> op) {
        EventLoop loop = op.target;
        if (closing) {
            finish(op, null, new AsynchronousCloseException());
            return;
        }
        if (op.outcome instanceof PendingFuture<?> f && f.isCancelled()) {
            finish(op, null, new CancellationException());
            return;
        }
        BounceBuffers pool = loops.buffers(loop);
        try {
            op.reserve(pool);
        } catch (RuntimeException | OutOfMemoryError e) {
            finish(op, pool, e);
            return;
        }
        long ud = loop.register(op);
        Sqe sqe;
        try {
            sqe = loop.nextSqe();
        } catch (RuntimeException e) {
            loop.unregister(ud);
            finish(op, pool, e);
            return;
        }
        try {
            op.prep(sqe, fd.fd());
        } catch (RuntimeException e) {
            // the slot is claimed: make it a NOP nobody waits for
            sqe.prepNop().userData(EventLoop.NO_COMPLETION);
            loop.unregister(ud);
            finish(op, pool, e);
            return;
        }
        sqe.userData(ud);
        op.userData = ud;
        op.loop = loop;
        link(op, loop.index());
        if (op.outcome instanceof HandlerDispatch<?, ?> h) {
            h.batches = loops.handlers(loop);
        }
        if (closing || op.outcome instanceof PendingFuture<?> f && f.isCancelled()) {
            // close (or Future.cancel) came between the checks above and now, and may not have seen
            // this op's loop: cancel it here
            loop.cancel(ud);
        }
    }

    /** The final CQE of {@code op}, on its loop. */
    <V> void completed(FileOp<V> op, int res) {
        EventLoop loop = op.loop;
        @Nullable BounceBuffers pool = loop == null ? null : loops.buffers(loop);
        if (res < 0) {
            Throwable error = closing ? new AsynchronousCloseException()
                    : res == -ECANCELED ? new CancellationException(op.name() + " was cancelled")
                    : Errors.toException(res, op.name(), path);
            finish(op, pool, error);
            return;
        }
        V value;
        try {
            value = op.result(res);
        } catch (IOException | RuntimeException e) {
            finish(op, pool, e);
            return;
        }
        done(op, pool);
        op.outcome.succeeded(value);
        fd.release();
    }

    private void finish(FileOp<?> op, @Nullable BounceBuffers pool, Throwable error) {
        done(op, pool);
        op.outcome.failed(error);
        fd.release();
    }

    private void done(FileOp<?> op, @Nullable BounceBuffers pool) {
        if (pool != null) {
            op.release(pool);
        }
        unlink(op);
    }

    private void link(FileOp<?> op, int loop) {
        FileOp<?> h = started[loop];
        op.next = h;
        if (h != null) {
            h.prev = op;
        }
        started[loop] = op;
        op.linked = true;
    }

    private void unlink(FileOp<?> op) {
        if (!op.linked) {
            return;
        }
        FileOp<?> p = op.prev;
        FileOp<?> n = op.next;
        if (p != null) {
            p.next = n;
        } else {
            started[op.target.index()] = n;
        }
        if (n != null) {
            n.prev = p;
        }
        op.prev = null;
        op.next = null;
        op.linked = false;
    }

    /** Asks the kernel to cancel {@code op} if it is still in flight (its CQE still comes). */
    void cancel(FileOp<?> op) {
        EventLoop l = op.loop;
        if (l != null) {
            try {
                l.execute(() -> {
                    if (op.linked) {
                        l.cancel(op.userData);
                    }
                });
            } catch (RejectedExecutionException e) {
                // the loop is gone, and the op with it
            }
        }
    }

    /** Asks the kernel to cancel every op {@code loop} has of this channel; on that loop. */
    private void cancelAll(EventLoop loop) {
        for (FileOp<?> op = started[loop.index()]; op != null; op = op.next) {
            loop.cancel(op.userData);
        }
    }

    /**
     * The loop for the next op: the caller's own loop when it is one of the group's, else the loops
     * in turn, {@link #OPS_PER_LOOP} ops each, so that a burst of ops wakes few loops but the kernel's
     * work for many ops in flight (a buffered READ is done inline, on the loop's core) spreads over
     * the cores.
     */
    private EventLoop pickFor() {
        EventLoop[] s = spread;
        if (s.length == 1 || OPS_PER_LOOP <= 0) {
            return home;
        }
        EventLoop current = EventLoop.current();
        if (current != null && current.index() < s.length && s[current.index()] == current) {
            return current;
        }
        int n = handedOver++;
        return s[(n / OPS_PER_LOOP) % s.length];
    }

    /**
     * Begins the close: no new op, ops in flight cancelled, the fd closed after their final CQEs.
     * False when it had begun already.
     */
    synchronized boolean close() {
        if (closing) {
            return false;
        }
        closing = true;
        // after closing is set: an op a loop starts after this task fails instead of starting
        for (EventLoop l : spread) {
            try {
                l.runOrExecute(() -> cancelAll(l));
            } catch (RejectedExecutionException e) {
                // the loop is gone, and its ops with it
            }
        }
        fd.close(this::closeFd);
        return true;
    }

    private void closeFd() {
        EventLoop loop = home;
        try {
            loop.runOrExecute(() -> {
                long ud = loop.register((res, flags) -> fdClosed.complete(null));
                loop.nextSqe().prepClose(fd.fd()).userData(ud);
            });
        } catch (RejectedExecutionException e) {
            fdClosed.complete(null);
        }
    }

    /** Waits until the fd is closed, unless the caller is a loop thread (which must not wait on loops). */
    void awaitClosed() {
        if (loops.inLoop()) {
            return;
        }
        boolean interrupted = false;
        while (true) {
            try {
                fdClosed.get();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            } catch (java.util.concurrent.ExecutionException e) {
                break;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Reads what the page cache holds into {@code dst} from {@code position} on the calling thread
     * (preadv2 RWF_NOWAIT, which never waits for a device), with the fd held: the bytes read (0 at
     * the end of the file), or a negative errno, after which the read is the ring's to do (a closed
     * channel answers {@link #CLOSED}).
     */
    long readCached(MemorySegment dst, long position) {
        if (closing || !fd.acquire()) {
            return CLOSED;
        }
        try {
            return FileCalls.readCached(fd.fd(), dst, position);
        } finally {
            fd.release();
        }
    }

    /**
     * Runs {@code call} with the fd held (a syscall fallback off the loops).
     *
     * @throws ClosedChannelException when the channel is closed
     */
    void withFd(FdCall call) throws IOException {
        if (!fd.acquire()) {
            throw new ClosedChannelException();
        }
        try {
            call.run(fd.fd());
        } finally {
            fd.release();
        }
    }

    /** A syscall on the channel's fd. */
    @FunctionalInterface
    interface FdCall {
        void run(int fd) throws IOException;
    }
}
