package dev.uring.reactor.op;

import dev.uring.core.CqeFlags;
import dev.uring.core.Sqe;
import dev.uring.core.loop.Completion;
import dev.uring.core.loop.EventLoop;
import java.util.ArrayDeque;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLongFieldUpdater;
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.Exceptions;
import reactor.core.Scannable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Operators;

/**
 * The one demand-driven engine behind every multishot publisher (ticks, a socket's receive, a
 * listener's accepts), after reactor-netty's FluxReceive: the op is armed only while the
 * subscriber has demand, cancelled in the kernel (ASYNC_CANCEL) when demand runs out, armed again
 * when the kernel ends it (a final CQE without {@code IORING_CQE_F_MORE}); CQEs that race the
 * cancel are queued, at most {@code maxQueued} (past that the subscriber fails with an overflow
 * error). It is armed multishot once the subscriber's demand has reached
 * {@link Source#multishotDemand()}, and stays so across the kernel's ends until the demand runs
 * out (a stream that asks for more in batches dips below it between them); else one single-shot op
 * at a time.
 *
 * <p>One subscriber at a time; a {@code reusable} engine takes a new one after the last finished
 * (its queue kept for it: a connection loses no received data), a single-use one closes when its
 * subscriber finishes. A finished or cancelled subscriber is dropped at once (rule 3.13). A new
 * subscriber of a terminated or closed engine gets onError (or onComplete) right after onSubscribe,
 * without demand (rules 1.4, 1.9). What cannot be delivered any more goes to {@link Source#discard}.
 * Everything runs on the loop thread except {@link #subscribe}, {@code request} and {@code cancel}.
 *
 * @param <T> the items
 */
public final class MultishotEngine<T> extends Flux<T> implements Completion, Runnable {
    /** What a user of the engine supplies. Loop thread only. */
    public interface Source<T> {
        /** Takes what an armed op holds (an fd reference); throws once nothing can be armed any more (closed). */
        default void acquire() {
        }

        /** Lets go of what {@link #acquire} took: after the op's final CQE. */
        default void unacquire() {
        }

        /** Fills the claimed SQE (all but user_data) to arm the op, multishot or one-shot. */
        void prep(Sqe sqe, boolean multishot);

        /**
         * The demand from which a multishot op is armed (and armed again after the kernel ends one,
         * until the demand runs out); a subscriber that never reached it gets one single-shot op at a
         * time. Read once, when the engine is made.
         */
        default long multishotDemand() {
            return 1;
        }

        /** What one CQE (other than our own cancel's -ECANCELED) means: at most one call on {@code out}. */
        void completion(int res, int flags, Outcome<T> out);

        /** Frees an item that will never be delivered (a ring buffer back, an accepted fd closed). */
        void discard(T item);

        /** The engine is closed and nothing is armed: frees what the source holds; once. */
        default void release() {
        }

        /** Why a subscriber here (its policy) may not use this source; null when it may. */
        default @Nullable Throwable refusal() {
            return null;
        }

        /**
         * A failure the source already knows of though nothing is armed (a reset socket's pending
         * error), asked once per subscriber on the loop: it fails at once, without demand (rules 1.4, 1.9).
         */
        default @Nullable Throwable pendingFailure() {
            return null;
        }
    }

    /** What a CQE means, told by {@link Source#completion}. */
    public interface Outcome<T> {
        /** An item for the subscriber. */
        void item(T item);

        /** The end of the stream: the subscriber completes once the queue is delivered. */
        void end();

        /** A failure: the subscriber fails once the queue is delivered. */
        void fail(Throwable error);

        /** Arm nothing until {@link MultishotEngine#resume()} (a dry buffer ring, a back-off). */
        void pause();
    }

    @SuppressWarnings("rawtypes")
    private static final AtomicReferenceFieldUpdater<MultishotEngine, Receiver> CURRENT =
            AtomicReferenceFieldUpdater.newUpdater(MultishotEngine.class, Receiver.class, "current");

    private final Source<T> source;
    private final EventLoop loop;
    private final boolean reusable;
    private final int maxQueued;
    private final long multishotDemand;
    private final Outcome<T> live = new Live();
    private final Outcome<T> discarding = new Discarding();
    private volatile @Nullable Receiver<T> current;
    private volatile boolean closed;
    private final AtomicBoolean subscribedOnce = new AtomicBoolean();
    // loop thread only
    private final ArrayDeque<T> queue = new ArrayDeque<>();
    private long userData;
    private boolean armed;
    private boolean multishot;
    private boolean stopping;
    // an ASYNC_CANCEL was sent for this arming: its -ECANCELED is ours even if demand came back since
    private boolean cancelSent;
    private boolean paused;
    private boolean ended;
    private @Nullable Throwable error;
    private boolean released;
    private boolean draining;
    private boolean missed;
    private long armings;

    /**
     * An engine on {@code loop}; {@code reusable}: subscribers may follow one another; at most
     * {@code maxQueued} undelivered items.
     */
    public MultishotEngine(Source<T> source, EventLoop loop, boolean reusable, int maxQueued) {
        this.source = source;
        this.loop = loop;
        this.reusable = reusable;
        this.maxQueued = maxQueued;
        this.multishotDemand = source.multishotDemand();
    }

    @Override
    public void subscribe(CoreSubscriber<? super T> actual) {
        Throwable refused = source.refusal();
        if (refused != null) {
            Operators.error(actual, refused);
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
        if (!reusable && !subscribedOnce.compareAndSet(false, true)) {
            CURRENT.compareAndSet(this, r, null);
            Operators.error(actual, new IllegalStateException(source + " allows one subscription"));
            return;
        }
        actual.onSubscribe(r);
        schedule();
    }

    /** The loop every signal comes from. */
    public EventLoop loop() {
        return loop;
    }

    /** How many times the op was armed (for tests: unbounded demand arms a multishot op once). */
    public long armings() {
        return armings;
    }

    /** Whether a subscriber is attached (for tests: a finished or cancelled one is dropped, rule 3.13). */
    public boolean hasSubscriber() {
        return current != null;
    }

    /** Whether an op is armed now (loop thread). */
    public boolean isArmed() {
        return armed;
    }

    /** Ends the engine (the socket closes, the server stops); the subscriber completes or fails with a set error. Loop thread. */
    public void close() {
        closed = true;
        drain();
    }

    /** Fails the subscriber with {@code e} at once, dropping what is queued (an idle timeout). Loop thread. */
    public void failNow(Throwable e) {
        if (error == null && !ended) {
            error = e;
        }
        discardQueue();
        drain();
    }

    /** Ends a {@link Outcome#pause()}: arms again if still wanted; true when armed. Loop thread. */
    public boolean resume() {
        paused = false;
        drain();
        return armed;
    }

    void schedule() {
        if (loop.inEventLoop()) {
            drain();
        } else {
            try {
                loop.execute(this);
            } catch (RejectedExecutionException e) {
                // the loop is gone (the runtime closed): nothing runs there any more
                Receiver<T> r = current;
                if (r != null && !r.finished) {
                    r.finished = true;
                    CURRENT.compareAndSet(this, r, null);
                    if (!r.cancelled) {
                        r.actual.onError(new RuntimeClosedException(e));
                    }
                }
            }
        }
    }

    @Override
    public void run() {
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
        if (r != null && (r.finished || r.cancelled)) {
            r.finished = true;
            CURRENT.compareAndSet(this, r, null); // rule 3.13: no reference to a finished subscriber
            r = null;
            if (!reusable) {
                closed = true;
            }
        }
        if (closed) {
            discardQueue();
        }
        if (r != null && !r.checked) {
            r.checked = true;
            if (!armed && queue.isEmpty() && !ended && error == null && !closed) {
                error = source.pendingFailure();
            }
        }
        while (r != null && !queue.isEmpty() && r.requested > 0 && !r.cancelled) {
            T item = queue.poll();
            if (r.requested != Long.MAX_VALUE) {
                Receiver.REQUESTED.decrementAndGet(r);
            }
            r.actual.onNext(item);
        }
        if (r != null && !r.cancelled && queue.isEmpty() && (ended || error != null || closed)) {
            r.finished = true;
            CURRENT.compareAndSet(this, r, null);
            Throwable e = error;
            if (e != null) {
                r.actual.onError(e);
            } else {
                r.actual.onComplete();
            }
            r = null;
            if (!reusable) {
                closed = true;
            }
        }
        long demand = r == null || r.cancelled ? 0 : r.requested;
        if (r != null) {
            if (demand >= multishotDemand) {
                r.streaming = true;
            } else if (demand == 0) {
                r.streaming = false;
            }
        }
        boolean over = closed || ended || error != null;
        if (armed) {
            if (!stopping && (over || (multishot && demand == 0))) {
                stopping = true;
                cancelSent = true;
                loop.cancel(userData);
            }
        } else if (demand > 0 && queue.isEmpty() && !over && !paused) {
            arm(r != null && r.streaming);
        }
        if (!armed && closed && !released) {
            released = true;
            source.release();
        }
    }

    private void arm(boolean many) {
        try {
            source.acquire();
        } catch (RuntimeException e) {
            // closed meanwhile: the close path completes the subscriber
            closed = true;
            missed = true;
            return;
        }
        long ud = loop.register(this);
        Sqe sqe = loop.nextSqe();
        try {
            source.prep(sqe, many);
        } catch (Throwable t) {
            sqe.prepNop().userData(EventLoop.NO_COMPLETION);
            loop.unregister(ud);
            source.unacquire();
            error = t;
            missed = true;
            return;
        }
        sqe.userData(ud);
        userData = ud;
        armed = true;
        multishot = many;
        stopping = false;
        cancelSent = false;
        armings++;
        KernelHeld.acquire();
    }

    @Override
    public void complete(int res, int flags) {
        boolean more = CqeFlags.hasMore(flags);
        boolean ourCancel = cancelSent || closed;
        if (!more) {
            armed = false;
            stopping = false;
            cancelSent = false;
            KernelHeld.release();
            source.unacquire();
        } else if (stopping) {
            // still armed after our ASYNC_CANCEL: it can miss (-ENOENT) an op caught mid-rearm (a
            // multishot TIMEOUT firing); step() sends another while it must stop
            stopping = false;
        }
        if (res == -Errnos.ECANCELED && !ourCancel && loop.isClosing()) {
            // cancelled by the loop's close: the runtime closed under an open subscription
            live.fail(new RuntimeClosedException(null));
        } else if (!(res == -Errnos.ECANCELED && ourCancel)) {
            source.completion(res, flags, closed ? discarding : live);
        }
        drain();
    }

    private void discardQueue() {
        T item;
        while ((item = queue.poll()) != null) {
            source.discard(item);
        }
    }

    /** The outcome of a CQE while the engine is open. */
    private final class Live implements Outcome<T> {
        @Override
        public void item(T item) {
            Receiver<T> r = current;
            if (queue.isEmpty() && !draining && error == null && r != null && !r.cancelled && !r.finished
                    && r.requested > 0) {
                // the fast path of a subscriber with demand: straight to it, no queue round trip
                if (r.requested != Long.MAX_VALUE) {
                    Receiver.REQUESTED.decrementAndGet(r);
                }
                r.actual.onNext(item);
            } else if (error != null) {
                source.discard(item);
            } else if (queue.size() >= maxQueued) {
                source.discard(item);
                failNow(Exceptions.failWithOverflow("more than " + maxQueued + " completions of " + source
                        + " arrived without demand"));
            } else {
                queue.add(item);
            }
        }

        @Override
        public void end() {
            ended = true;
        }

        @Override
        public void fail(Throwable e) {
            if (error == null && !ended) {
                error = e;
            }
        }

        @Override
        public void pause() {
            paused = true;
        }
    }

    /** The outcome of a CQE after close: items are discarded, the rest no longer matters. */
    private final class Discarding implements Outcome<T> {
        @Override
        public void item(T item) {
            source.discard(item);
        }

        @Override
        public void end() {
        }

        @Override
        public void fail(Throwable e) {
        }

        @Override
        public void pause() {
        }
    }

    /** One subscriber's subscription: its demand and cancel, read on the loop. */
    static final class Receiver<T> implements Subscription, Scannable {
        @SuppressWarnings("rawtypes")
        static final AtomicLongFieldUpdater<Receiver> REQUESTED =
                AtomicLongFieldUpdater.newUpdater(Receiver.class, "requested");
        final MultishotEngine<T> engine;
        final CoreSubscriber<? super T> actual;
        volatile long requested;
        volatile boolean cancelled;
        /** Terminated or cancelled, as seen by the loop; a new subscriber may take over. */
        volatile boolean finished;
        /** The source was asked for a pending failure (loop thread). */
        boolean checked;
        /** Its demand reached the source's multishot demand and has not run out since (loop thread). */
        boolean streaming;

        Receiver(MultishotEngine<T> engine, CoreSubscriber<? super T> actual) {
            this.engine = engine;
            this.actual = actual;
        }

        @Override
        public void request(long n) {
            if (Operators.validate(n)) {
                Operators.addCap(REQUESTED, this, n);
                engine.schedule();
            }
        }

        @Override
        public void cancel() {
            if (!cancelled) {
                cancelled = true;
                engine.schedule();
            }
        }

        @Override
        public @Nullable Object scanUnsafe(Attr key) {
            if (key == Attr.CANCELLED) {
                return cancelled;
            }
            if (key == Attr.TERMINATED) {
                return finished && !cancelled;
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
