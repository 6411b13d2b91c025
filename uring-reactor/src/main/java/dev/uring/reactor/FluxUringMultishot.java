package dev.uring.reactor;

import dev.uring.core.CqeFlags;
import dev.uring.core.Sqe;
import dev.uring.core.loop.Completion;
import dev.uring.core.loop.EventLoop;
import java.util.ArrayDeque;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLongFieldUpdater;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.Exceptions;
import reactor.core.Scannable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Operators;

/**
 * A cold {@link Flux} over one multishot io_uring op, with real demand: the op is armed while
 * the subscriber has demand; when demand reaches zero it is cancelled in the kernel (ASYNC_CANCEL)
 * and armed again on the next request. CQEs that arrive between the last wanted one and the
 * cancel taking effect are kept, at most {@link #MAX_OVERFLOW}, and delivered first on the next
 * request; past that the Flux fails with an overflow error, so nothing is buffered without bound.
 *
 * @param <T> the items
 */
final class FluxUringMultishot<T> extends Flux<T> {
    /** The most items kept for a subscriber without demand (a few CQEs race the cancel). */
    static final int MAX_OVERFLOW = 256;

    private final Uring uring;
    private final @Nullable EventLoop pinned;
    private final Supplier<? extends MultishotOperation<T>> factory;

    FluxUringMultishot(Uring uring, @Nullable EventLoop pinned, Supplier<? extends MultishotOperation<T>> factory) {
        this.uring = uring;
        this.pinned = pinned;
        this.factory = factory;
    }

    @Override
    public void subscribe(CoreSubscriber<? super T> actual) {
        MultishotOperation<T> op;
        EventLoop loop;
        try {
            loop = pinned != null ? pinned : uring.loop();
            if (loop.isClosing() && !loop.inEventLoop()) {
                // a loop of a closed runtime (a pinned one: the others are refused by loop()) would
                // refuse the hand-over at the first request: refuse now instead (rule 1.9); on the
                // loop itself, while it closes, the op still goes to its ring as before
                throw new IllegalStateException("the io_uring runtime is closed");
            }
            op = factory.get();
        } catch (Throwable t) {
            MonoUringOp.refuse(actual, t);
            return;
        }
        actual.onSubscribe(new MultishotSubscription<>(actual, loop, op));
    }

    /** One subscription; everything but {@code requested} and {@code cancelled} is loop-confined. */
    static final class MultishotSubscription<T> implements Subscription, Scannable, Completion, Runnable {
        final CoreSubscriber<? super T> actual;
        final EventLoop loop;
        final MultishotOperation<T> op;
        @SuppressWarnings("rawtypes")
        static final AtomicLongFieldUpdater<MultishotSubscription> REQUESTED =
                AtomicLongFieldUpdater.newUpdater(MultishotSubscription.class, "requested");
        volatile long requested;
        volatile boolean cancelled;
        // loop thread only
        final ArrayDeque<T> overflow = new ArrayDeque<>();
        long userData;
        boolean armed;
        boolean stopping;
        boolean done;
        boolean released;
        boolean draining;
        boolean missed;
        @Nullable Throwable error;

        MultishotSubscription(CoreSubscriber<? super T> actual, EventLoop loop, MultishotOperation<T> op) {
            this.actual = actual;
            this.loop = loop;
            this.op = op;
        }

        @Override
        public void request(long n) {
            if (Operators.validate(n)) {
                Operators.addCap(REQUESTED, this, n);
                schedule();
            }
        }

        @Override
        public void cancel() {
            if (!cancelled) {
                cancelled = true;
                schedule();
            }
        }

        private void schedule() {
            if (loop.inEventLoop()) {
                drain();
            } else {
                try {
                    loop.execute(this);
                } catch (RejectedExecutionException e) {
                    // the loop is closing; it cancels the op and we release on its final CQE
                    if (!cancelled) {
                        cancelled = true;
                        actual.onError(new IllegalStateException("the io_uring runtime is closed", e));
                    }
                }
            }
        }

        @Override
        public void run() {
            drain();
        }

        /** Moves the state machine on; loop thread only, re-entrant calls fold into the running one. */
        void drain() {
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
            if (cancelled) {
                overflow.clear();
                stop();
                releaseIfIdle();
                return;
            }
            while (!overflow.isEmpty() && requested > 0 && !cancelled) {
                emit(overflow.poll());
            }
            if (done) {
                if (overflow.isEmpty() || error != null) {
                    overflow.clear();
                    stop();
                    if (!cancelled) {
                        cancelled = true;
                        Throwable e = error;
                        if (e != null) {
                            actual.onError(e);
                        } else {
                            actual.onComplete();
                        }
                    }
                    releaseIfIdle();
                }
                return;
            }
            long r = requested;
            if (r > 0 && overflow.isEmpty() && !armed) {
                arm();
            } else if (r == 0 && armed) {
                stop();
            }
        }

        private void emit(T item) {
            if (requested != Long.MAX_VALUE) {
                REQUESTED.decrementAndGet(this);
            }
            actual.onNext(item);
        }

        private void arm() {
            long ud = loop.register(this);
            Sqe sqe = loop.nextSqe();
            try {
                op.prep(sqe);
            } catch (Throwable t) {
                sqe.prepNop().userData(EventLoop.NO_COMPLETION);
                loop.unregister(ud);
                done = true;
                error = t;
                missed = true;
                return;
            }
            sqe.userData(ud);
            userData = ud;
            armed = true;
            stopping = false;
            KernelHeld.acquire();
        }

        /** Asks the kernel to disarm the op; its final CQE follows. */
        private void stop() {
            if (armed && !stopping) {
                stopping = true;
                loop.cancel(userData);
            }
        }

        private void releaseIfIdle() {
            if (!armed && !released) {
                released = true;
                op.release();
            }
        }

        @Override
        public void complete(int res, int flags) {
            boolean more = CqeFlags.hasMore(flags);
            boolean ourCancel = stopping;
            if (!more) {
                armed = false;
                stopping = false;
                KernelHeld.release();
            } else if (ourCancel) {
                // still armed after our ASYNC_CANCEL: it can miss (-ENOENT) an op caught mid-rearm,
                // e.g. a multishot TIMEOUT whose timer is firing; step() sends another while it must stop
                stopping = false;
            }
            if (op.isSuccess(res)) {
                T item = cancelled ? null : op.item(res, flags);
                if (item != null) {
                    if (overflow.isEmpty() && requested > 0 && !draining) {
                        emit(item);
                    } else if (overflow.size() >= MAX_OVERFLOW) {
                        done = true;
                        error = Exceptions.failWithOverflow("more than " + MAX_OVERFLOW + " " + op.name()
                                + " completions arrived without demand");
                    } else {
                        overflow.add(item);
                    }
                }
            } else if (!(res == -Errnos.ECANCELED && (ourCancel || cancelled))) {
                if (!done) {
                    done = true;
                    error = op.error(res);
                }
            }
            drain();
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
