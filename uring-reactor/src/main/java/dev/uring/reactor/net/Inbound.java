package dev.uring.reactor.net;

import dev.uring.core.CqeFlags;
import dev.uring.core.Sqe;
import dev.uring.core.loop.Completion;
import dev.uring.core.loop.EventLoop;
import dev.uring.reactor.op.Errnos;
import dev.uring.reactor.op.FluxUringMultishot;
import dev.uring.reactor.op.KernelHeld;
import dev.uring.reactor.op.OpRuntime;
import java.util.ArrayDeque;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLongFieldUpdater;
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.Scannable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Operators;

/**
 * The receiving side of one socket (a {@code Connection}, a {@code UdpSocket}; what differs between
 * them is its {@link InboundSource}): RECV or RECVMSG with buffer select from the loop's
 * {@link RecvBufferPool}, armed only while the subscriber has demand. A demand of
 * {@link #MULTISHOT_DEMAND} or more (any demand for a {@link InboundSource#multishotOnly()} source:
 * datagrams) arms a multishot receive (one SQE, a CQE per chunk; cancelled in
 * the kernel when demand runs out); a smaller demand arms one single-shot RECV at a time, so a
 * slow subscriber holds no more buffers than it asked for. It is not FluxUringMultishot because
 * received data must never be dropped: buffers that race a cancel are kept for the next
 * subscriber, the end of stream completes, and a dry ring (ENOBUFS) waits for a released buffer.
 * Loop thread only, except the subscription's {@code request} and {@code cancel}.
 */
public final class Inbound<T> extends Flux<T> implements Completion, Runnable {
    /** The demand from which a multishot RECV is armed (Reactor's usual prefetch is 32 or 256). */
    public static final int MULTISHOT_DEMAND = 16;

    private final InboundSource<T> source;
    private final EventLoop loop;
    private final RecvBufferPool pool;
    /** Received and not yet delivered, in order: raced a cancel, or no demand yet. */
    private final ArrayDeque<T> queue = new ArrayDeque<>();
    @SuppressWarnings("rawtypes")
    private static final AtomicReferenceFieldUpdater<Inbound, Receiver> CURRENT =
            AtomicReferenceFieldUpdater.newUpdater(Inbound.class, Receiver.class, "current");

    private volatile @Nullable Receiver<T> current;
    private long userData;
    private boolean armed;
    private boolean multishot;
    private boolean stopping;
    private boolean waitingForBuffers;
    private boolean eof;
    private boolean closed;
    private @Nullable Throwable error;
    private boolean draining;
    private boolean missed;
    /** Buffers lent and not yet released (queued ones included); written on the loop. */
    private volatile int held;

    public Inbound(InboundSource<T> source, EventLoop loop, RecvBufferPool pool) {
        this.source = source;
        this.loop = loop;
        this.pool = pool;
    }

    @Override
    public void subscribe(CoreSubscriber<? super T> actual) {
        if (!source.uring().admits(loop)) {
            Operators.error(actual, OpRuntime.refusal("receive", source.toString()));
            return;
        }
        Receiver<T> r = new Receiver<>(this, actual);
        Receiver<T> c;
        do {
            c = current;
            if (c != null && !c.cancelled && !c.finished) {
                Operators.error(actual, new IllegalStateException(
                        "the inbound Flux of " + source + " allows one subscriber at a time"));
                return;
            }
        } while (!CURRENT.compareAndSet(this, c, r));
        actual.onSubscribe(r);
        schedule();
    }

    /** The buffers lent out and not released yet (for tests: a slow consumer's memory). */
    public int held() {
        return held;
    }

    /** A buffer of this inbound came back; loop thread. */
    public void returned() {
        held--;
    }

    public void schedule() {
        if (loop.inEventLoop()) {
            drain();
        } else {
            try {
                loop.execute(this);
            } catch (RejectedExecutionException e) {
                Receiver<T> r = current;
                if (r != null && !r.finished) {
                    r.finished = true;
                    CURRENT.compareAndSet(this, r, null);
                    r.actual.onError(new IllegalStateException("the io_uring runtime is closed", e));
                }
            }
        }
    }

    @Override
    public void run() {
        drain();
    }

    /** Ends receiving because the connection closes; the subscriber completes (or fails with a set error). */
    public void close() {
        closed = true;
        drain();
    }

    /** Fails the subscriber with {@code e} (idle timeout) ahead of the close. */
    public void fail(Throwable e) {
        if (error == null && !eof) {
            error = e;
        }
        queue.forEach(source::release);
        queue.clear();
        drain();
    }

    private void drain() {
        if (draining) {
            missed = true;
            return;
        }
        draining = true;
        try {
            do {
                missed = false;
                step();
            } while (missed);
        } finally {
            draining = false;
        }
    }

    private void step() {
        Receiver<T> r = current;
        if (r != null && r.finished) {
            CURRENT.compareAndSet(this, r, null); // rule 3.13: no reference to a finished subscriber
            r = null;
        }
        if (closed && !queue.isEmpty()) {
            queue.forEach(source::release);
            queue.clear();
        }
        if (r != null && r.cancelled) {
            r.finished = true;
            CURRENT.compareAndSet(this, r, null);
            r = null;
        }
        while (r != null && !queue.isEmpty() && r.requested > 0 && !r.cancelled) {
            T b = queue.poll();
            if (r.requested != Long.MAX_VALUE) {
                Receiver.REQUESTED.decrementAndGet(r);
            }
            r.actual.onNext(b);
        }
        if (r != null && !r.cancelled && queue.isEmpty() && (eof || error != null || closed)) {
            r.finished = true;
            CURRENT.compareAndSet(this, r, null);
            Throwable e = error;
            if (e != null) {
                r.actual.onError(e);
            } else {
                r.actual.onComplete();
            }
            r = null;
        }
        long demand = r == null || r.cancelled ? 0 : r.requested;
        if (armed) {
            if (multishot && demand == 0 && !stopping) {
                stopping = true;
                loop.cancel(userData);
            }
        } else if (demand > 0 && queue.isEmpty() && !eof && error == null && !closed && !waitingForBuffers) {
            arm(demand >= MULTISHOT_DEMAND || source.multishotOnly());
        }
    }

    private void arm(boolean many) {
        try {
            source.handle().acquire();
        } catch (RuntimeException e) {
            // closed meanwhile: the close path completes the subscriber
            closed = true;
            missed = true;
            return;
        }
        long ud = loop.register(this);
        Sqe sqe = loop.nextSqe();
        source.prep(sqe, source.handle().fd(), pool.group(), many);
        sqe.userData(ud);
        userData = ud;
        armed = true;
        multishot = many;
        stopping = false;
        KernelHeld.acquire();
    }

    /** A buffer came back to the dry ring: arm again if still wanted; true when armed. */
    private boolean buffersBack() {
        waitingForBuffers = false;
        drain();
        return armed;
    }

    @Override
    public void complete(int res, int flags) {
        boolean more = CqeFlags.hasMore(flags);
        boolean ourCancel = stopping || closed;
        if (!more) {
            armed = false;
            stopping = false;
            KernelHeld.release();
            source.handle().release();
        }
        if (res > 0) {
            source.touch();
            T b = source.item(pool, CqeFlags.bufferId(flags), res, this);
            held++;
            if (closed) {
                source.release(b);
            } else {
                queue.add(b);
            }
        } else if (res == 0) {
            if ((flags & CqeFlags.BUFFER) != 0) {
                pool.recycleUnread(CqeFlags.bufferId(flags));
            }
            eof = true;
        } else if (res == -Errnos.ENOBUFS) {
            // the ring ran dry; the data waits in the socket until a buffer comes back
            if (pool.available() == 0) {
                waitingForBuffers = true;
                pool.await(this::buffersBack);
            }
        } else if (res == -Errnos.ECANCELED && ourCancel) {
            // our own stop (no demand) or close
        } else if (error == null && !closed) {
            error = source.error(res);
        }
        drain();
    }

    /** One subscriber's subscription: its demand and cancel, read on the loop. */
    public static final class Receiver<T> implements Subscription, Scannable {
        @SuppressWarnings("rawtypes")
        static final AtomicLongFieldUpdater<Receiver> REQUESTED =
                AtomicLongFieldUpdater.newUpdater(Receiver.class, "requested");
        final Inbound<T> inbound;
        final CoreSubscriber<? super T> actual;
        volatile long requested;
        volatile boolean cancelled;
        /** Terminated or cancelled, as seen by the loop; a new subscriber may take over. */
        volatile boolean finished;

        Receiver(Inbound<T> inbound, CoreSubscriber<? super T> actual) {
            this.inbound = inbound;
            this.actual = actual;
        }

        @Override
        public void request(long n) {
            if (Operators.validate(n)) {
                Operators.addCap(REQUESTED, this, n);
                inbound.schedule();
            }
        }

        @Override
        public void cancel() {
            if (!cancelled) {
                cancelled = true;
                inbound.schedule();
            }
        }

        @Override
        public @Nullable Object scanUnsafe(Attr key) {
            if (key == Attr.CANCELLED) {
                return cancelled;
            }
            if (key == Attr.REQUESTED_FROM_DOWNSTREAM) {
                return requested;
            }
            if (key == Attr.ACTUAL) {
                return actual;
            }
            if (key == Attr.RUN_STYLE) {
                return Attr.RunStyle.ASYNC;
            }
            return null;
        }
    }
}
