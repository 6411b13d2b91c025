package dev.uring.reactor.op;

import dev.uring.core.CqeFlags;
import dev.uring.core.Ring;
import dev.uring.core.Sqe;
import dev.uring.core.SqeFlags;
import dev.uring.core.Timespec;
import dev.uring.core.loop.Completion;
import dev.uring.core.loop.EventLoop;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.Scannable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Operators;

/**
 * A cold {@link Mono} over one io_uring op. Each subscription makes its own
 * {@link UringOperation} and submits it on the first request: directly when already on the loop
 * thread, else handed over with {@link EventLoop#execute}. Cancel sends ASYNC_CANCEL; the op's
 * memory is released only after its final CQE. With a timeout the op is linked (IO_LINK) to a
 * LINK_TIMEOUT, and an op the timeout cancelled fails with {@link TimeoutException}: the timeout's
 * own CQE goes to no completion (no second object per op); an op that ends -ECANCELED although
 * neither its subscriber nor the loop's close cancelled it was cancelled by its timeout.
 *
 * @param <T> the value
 */
public final class MonoUringOp<T> extends Mono<T> {
    private final OpRuntime uring;
    private final @Nullable EventLoop pinned;
    private final Supplier<? extends UringOperation<T>> factory;
    private final long timeoutNanos;

    public MonoUringOp(OpRuntime uring, @Nullable EventLoop pinned, Supplier<? extends UringOperation<T>> factory,
            long timeoutNanos) {
        this.uring = uring;
        this.pinned = pinned;
        this.factory = factory;
        this.timeoutNanos = timeoutNanos;
    }

    @Override
    public void subscribe(CoreSubscriber<? super T> actual) {
        UringOperation<T> op;
        EventLoop loop;
        try {
            loop = pinned != null ? pinned : uring.loop();
            op = factory.get();
        } catch (Throwable t) {
            refuse(actual, t);
            return;
        }
        start(uring, loop, pinned != null, op, timeoutNanos, actual);
    }

    /**
     * Subscribes {@code actual} to {@code op} on {@code loop} as a subscription of this Mono would
     * (submitted at the first request): for an engine that runs many ops of one stream, without a
     * Mono and an op factory per op. {@code pinned}: the loop is the caller's choice (a socket's),
     * which the runtime's policy must admit.
     */
    public static <T> void start(OpRuntime uring, EventLoop loop, boolean pinned, UringOperation<T> op,
            long timeoutNanos, CoreSubscriber<? super T> actual) {
        if (op.policyChecked() && uring.isClosed()) {
            // rules 1.4/1.9: fail right after onSubscribe, not at the first request (a CLOSE still runs
            // while the runtime closes its files, hence policyChecked)
            op.release();
            refuse(actual, new RuntimeClosedException(null));
            return;
        }
        if (pinned && op.policyChecked() && !uring.admits(loop)) {
            op.release();
            refuse(actual, OpRuntime.refusal(op.name(), op.target()));
            return;
        }
        actual.onSubscribe(new Delegating<>(actual, loop, op, timeoutNanos));
    }

    /** Fails a subscriber whose op could not be made (a closed runtime or file, bad state). */
    public static void refuse(CoreSubscriber<?> actual, Throwable t) {
        Operators.error(actual, Operators.onOperatorError(reactor.core.Exceptions.unwrap(t), actual.currentContext()));
    }

    /**
     * One subscription: the subscriber and the CAS state; also the op's Completion. The op and
     * the timeout come from the subclass: {@link Delegating} holds them, and a hot path's subclass
     * may be its own op and take the timeout from its source ({@code MonoDirectRead}), which saves
     * an object and two fields per subscription.
     */
    public abstract static class OpSubscription<T> implements Subscription, Scannable, Completion, Runnable {
        static final int NEW = 0;
        static final int QUEUED = 1;
        static final int SUBMITTED = 2;
        static final int COMPLETED = 3;
        static final int CANCELLED = 4;
        private static final int RELEASED = -1;
        @SuppressWarnings("rawtypes")
        static final AtomicIntegerFieldUpdater<OpSubscription> STATE =
                AtomicIntegerFieldUpdater.newUpdater(OpSubscription.class, "state");

        final CoreSubscriber<? super T> actual;
        final EventLoop loop;
        volatile int state;
        // loop thread only from here on
        long userData;
        // CQEs still to come; RELEASED once the op's memory is let go (a field less per subscription)
        int cqesLeft;
        int opRes;
        // why the ring refused the op, asked at the op's own CQE (the ring forgets it a reap later)
        @Nullable String denial;
        // kernel memory from the loop's pool (a LINK_TIMEOUT's timespec, an own op's buffer): kept to the final CQE
        @Nullable Arena memory;

        protected OpSubscription(CoreSubscriber<? super T> actual, EventLoop loop) {
            this.actual = actual;
            this.loop = loop;
        }

        /**
         * Kernel memory for this subscription's op, leased from the loop's pool on first use and
         * given back after the final CQE (also after a cancel); loop thread only.
         */
        protected final Arena memory() {
            Arena a = memory;
            if (a == null) {
                a = LoopMemory.lease();
                memory = a;
            }
            return a;
        }

        /** The op this subscription runs. */
        public abstract UringOperation<T> op();

        /** The op's timeout, 0 for none. */
        public abstract long timeoutNanos();

        @Override
        public final void request(long n) {
            if (Operators.validate(n) && STATE.compareAndSet(this, NEW, QUEUED)) {
                if (loop.inEventLoop()) {
                    run();
                } else {
                    try {
                        loop.execute(this);
                    } catch (RejectedExecutionException e) {
                        if (STATE.compareAndSet(this, QUEUED, COMPLETED)) {
                            op().release();
                            actual.onError(new RuntimeClosedException(e));
                        }
                    }
                }
            }
        }

        /** On the loop thread: prepare and queue the SQE(s); the loop submits them. */
        @Override
        public final void run() {
            if (state == CANCELLED) {
                releaseOnce();
                return;
            }
            try {
                submit();
            } catch (Throwable t) {
                if (STATE.compareAndSet(this, QUEUED, COMPLETED) || STATE.compareAndSet(this, SUBMITTED, COMPLETED)) {
                    releaseOnce();
                    actual.onError(Operators.onOperatorError(t, actual.currentContext()));
                } else {
                    releaseOnce();
                }
                return;
            }
            if (!STATE.compareAndSet(this, QUEUED, SUBMITTED) && state == CANCELLED) {
                // cancelled between the check above and now: the kernel has the op, cancel it there
                loop.cancel(userData);
            }
        }

        private void submit() {
            long timeout = timeoutNanos();
            boolean linked = timeout > 0;
            // a link chain must not be split across two submissions; a lone SQE needs no check here,
            // since nextSqe() submits a full SQ itself
            Ring ring = loop.ring();
            if (linked && ring.sqSpaceLeft() < 2) {
                try {
                    ring.submit();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            long ud = loop.register(this);
            Sqe sqe = loop.nextSqe();
            try {
                op().prep(sqe);
            } catch (Throwable t) {
                sqe.prepNop().userData(EventLoop.NO_COMPLETION);
                loop.unregister(ud);
                throw t;
            }
            sqe.userData(ud);
            userData = ud;
            cqesLeft = 1;
            KernelHeld.acquire();
            if (linked) {
                sqe.addFlags(SqeFlags.IO_LINK);
                // submitted again (a short write): one more timespec from the same lease
                MemorySegment ts = Timespec.allocate(memory(), Duration.ZERO);
                Timespec.set(ts, timeout);
                // the timeout's CQE says nothing the op's own does not (see the class comment)
                loop.nextSqe().prepLinkTimeout(ts, 0).userData(EventLoop.NO_COMPLETION);
            }
        }

        /**
         * The op's CQE. A CQE with F_MORE (a zero-copy send's result) means one more CQE follows: its
         * notification (F_NOTIF), which is the final one, so the op keeps its memory until the kernel
         * has let go of it.
         */
        @Override
        public final void complete(int res, int flags) {
            if ((flags & CqeFlags.NOTIF) != 0) {
                op().notified(res);
            } else {
                opRes = res;
                if (res == -Errnos.EACCES && state != CANCELLED) {
                    denial = loop.ring().accessDenied(op().opcode(), userData);
                }
                if (CqeFlags.hasMore(flags)) {
                    cqesLeft++;
                }
            }
            if (--cqesLeft > 0) {
                return;
            }
            int r = opRes;
            UringOperation<T> o = op();
            KernelHeld.release();
            if (state == CANCELLED) {
                if (o.isSuccess(r)) {
                    o.discard(r, loop);
                }
                releaseOnce();
                return;
            }
            boolean ok = o.isSuccess(r);
            boolean timedOut = timeoutNanos() > 0 && r == -Errnos.ECANCELED && !loop.isClosing();
            try {
                if (!timedOut && o.again(r)) {
                    submit();
                    return;
                }
            } catch (Throwable t) {
                finish(null, t);
                return;
            }
            if (!ok && r == -Errnos.ECANCELED && loop.isClosing()) {
                // cancelled by the loop's close, not by the subscriber: say so rather than "ECANCELED"
                finish(null, new RuntimeClosedException(o.error(r)));
            } else if (timedOut) {
                String target = o.target();
                finish(null, new TimeoutException(o.name() + (target == null ? "" : " on " + target)
                        + " timed out after " + Duration.ofNanos(timeoutNanos())));
            } else if (!ok) {
                finish(null, r == -Errnos.EACCES ? denied(r) : o.error(r));
            } else {
                T value;
                try {
                    value = o.result(r);
                } catch (Throwable t) {
                    finish(null, t);
                    return;
                }
                finish(value, null);
            }
        }

        /** A refused op, explained by the ring (a policy's rule, a filter's reason) when it could say. */
        private Throwable denied(int r) {
            UringOperation<T> o = op();
            String why = denial;
            denial = null;
            String target = o.target();
            return why == null ? o.error(r)
                    : new java.nio.file.AccessDeniedException(target == null ? o.name() : target, null, why);
        }

        private void finish(@Nullable T value, @Nullable Throwable error) {
            releaseOnce();
            if (!STATE.compareAndSet(this, SUBMITTED, COMPLETED)) {
                return;
            }
            if (error != null) {
                actual.onError(error);
            } else if (value != null) {
                actual.onNext(value);
                actual.onComplete();
            } else {
                actual.onComplete();
            }
        }

        private void releaseOnce() {
            if (cqesLeft != RELEASED) {
                cqesLeft = RELEASED;
                Arena a = memory;
                if (a != null) {
                    a.close();
                    memory = null;
                }
                op().release();
            }
        }

        @Override
        public final void cancel() {
            int s;
            do {
                s = state;
                if (s == COMPLETED || s == CANCELLED) {
                    return;
                }
            } while (!STATE.compareAndSet(this, s, CANCELLED));
            if (s == NEW) {
                // never handed to the loop: nothing else touches the op
                op().release();
            } else if (s == SUBMITTED) {
                if (loop.inEventLoop()) {
                    loop.cancel(userData);
                } else {
                    try {
                        loop.execute(this::cancelOnLoop);
                    } catch (RejectedExecutionException e) {
                        // the loop is closing: it cancels every op itself and delivers the final CQEs
                    }
                }
            }
            // QUEUED: run() sees CANCELLED and releases
        }

        private void cancelOnLoop() {
            if (cqesLeft != RELEASED) {
                loop.cancel(userData);
            }
        }

        @Override
        public final @Nullable Object scanUnsafe(Attr key) {
            if (key == Attr.CANCELLED) {
                return state == CANCELLED;
            }
            if (key == Attr.TERMINATED) {
                return state == COMPLETED;
            }
            if (key == Attr.RUN_STYLE) {
                return Attr.RunStyle.ASYNC;
            }
            if (key == Attr.ACTUAL) {
                return actual;
            }
            return null;
        }
    }

    /** The general subscription: holds an op made per subscription and the Mono's timeout. */
    public static final class Delegating<T> extends OpSubscription<T> {
        private final UringOperation<T> op;
        private final long timeoutNanos;

        Delegating(CoreSubscriber<? super T> actual, EventLoop loop, UringOperation<T> op, long timeoutNanos) {
            super(actual, loop);
            this.op = op;
            this.timeoutNanos = timeoutNanos;
        }

        @Override
        public UringOperation<T> op() {
            return op;
        }

        @Override
        public long timeoutNanos() {
            return timeoutNanos;
        }
    }
}
