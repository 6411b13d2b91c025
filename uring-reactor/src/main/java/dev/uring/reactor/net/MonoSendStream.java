package dev.uring.reactor.net;

import dev.uring.core.loop.EventLoop;
import dev.uring.reactor.op.CheckedSource;
import dev.uring.reactor.op.MonoUringOp;
import dev.uring.reactor.op.OpRuntime;
import dev.uring.reactor.op.RuntimeClosedException;
import java.util.Queue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.function.Consumer;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.Exceptions;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Operators;
import reactor.util.concurrent.Queues;
import reactor.util.context.Context;

/**
 * Sends every item of a stream (received buffers, datagrams), each as one {@link SendOp}, with one
 * subscription for the whole stream instead of a Mono, a flatMap inner and a doFinally per send:
 * at most {@code window} sends in flight, started in arrival order (1: each after the previous one's
 * final CQE, as a stream socket needs), {@code prefetch} items requested ahead and asked for again
 * as sends end, so that the stream never holds more than {@code prefetch} items. Each sent item is
 * released after its op's final CQE, also when the send failed or was cancelled (never earlier: the
 * kernel may still read its memory); an item never sent is released when the stream ends. Completes
 * when the source completed and every send completed; the first failed send fails it and cancels
 * the source and the other sends. Each send runs through the one op state machine
 * ({@link MonoUringOp#start}) on the socket's loop, and so does the rest of the stream (serialized by
 * {@code wip}): a source that emits on that loop (a receive) costs no hand-over.
 *
 * @param <T> the items
 */
public final class MonoSendStream<T> extends Mono<Void> {
    private final OpRuntime uring;
    private final EventLoop loop;
    private final SendingSocket socket;
    private final Publisher<? extends T> source;
    private final Function<? super T, SendOp> send;
    private final Consumer<? super T> release;
    private final int window;
    private final int prefetch;

    /**
     * Sends on {@code socket}, whose loop is {@code loop}; {@code send} makes the op for an item (on
     * the loop); {@code release} lets go of an item, on any thread; {@code window} sends in flight
     * at most, {@code prefetch} (at least {@code window}) items requested ahead.
     */
    public MonoSendStream(OpRuntime uring, EventLoop loop, SendingSocket socket, Publisher<? extends T> source,
            Function<? super T, SendOp> send, Consumer<? super T> release, int window, int prefetch) {
        if (window < 1 || prefetch < window) {
            throw new IllegalArgumentException("window " + window + " and prefetch " + prefetch
                    + ": at least one send in flight, and at least as many requested ahead");
        }
        this.uring = uring;
        this.loop = loop;
        this.socket = socket;
        this.source = source;
        this.send = send;
        this.release = release;
        this.window = window;
        this.prefetch = prefetch;
    }

    @Override
    public void subscribe(CoreSubscriber<? super Void> actual) {
        if (uring.isClosed()) {
            MonoUringOp.refuse(actual, new RuntimeClosedException(null));
            return;
        }
        // the policy in force where the stream is subscribed decides, once for all its sends (which
        // start on the loop, where the subscriber's policy cannot be seen)
        if (!uring.admits(loop)) {
            MonoUringOp.refuse(actual, OpRuntime.refusal("SEND", socket.toString()));
            return;
        }
        Sends<T> s = new Sends<>(actual, this);
        actual.onSubscribe(s);
        CheckedSource.of(source).subscribe(s);
    }

    /** The stream's subscription to the source and the subscriber's subscription; its state is the loop's. */
    static final class Sends<T> implements CoreSubscriber<T>, Subscription, Runnable {
        @SuppressWarnings("rawtypes")
        private static final AtomicIntegerFieldUpdater<Sends> WIP =
                AtomicIntegerFieldUpdater.newUpdater(Sends.class, "wip");

        private final CoreSubscriber<? super Void> actual;
        private final MonoSendStream<T> parent;
        private final Queue<T> queue;
        /** Sends ended before the source is asked for as many items again. */
        private final int limit;
        private volatile @Nullable Subscription upstream;
        private volatile boolean sourceDone;
        private volatile @Nullable Throwable sourceError;
        private volatile boolean cancelled;
        /** Set when the loop refused a hand-over (closed): the rest runs on the thread that found out. */
        private volatile boolean loopGone;
        @SuppressWarnings("unused") // through WIP
        private volatile int wip;
        // in drainLoop only (on the loop, or once the loop is gone on the thread that found out)
        private int inFlight;
        private int ended;
        private @Nullable Throwable sendError;
        private boolean terminated;
        /** The sends in flight, newest first, for a cancel. */
        private @Nullable Send<T> sending;

        Sends(CoreSubscriber<? super Void> actual, MonoSendStream<T> parent) {
            this.actual = actual;
            this.parent = parent;
            this.queue = Queues.<T>get(parent.prefetch).get();
            this.limit = Math.max(1, parent.prefetch - (parent.prefetch >> 2));
        }

        @Override
        public Context currentContext() {
            return actual.currentContext();
        }

        @Override
        public void onSubscribe(Subscription s) {
            upstream = s;
            if (cancelled) {
                s.cancel();
                return;
            }
            s.request(parent.prefetch);
        }

        @Override
        public void onNext(T item) {
            if (!queue.offer(item)) {
                parent.release.accept(item);
                Subscription s = upstream;
                if (s != null) {
                    s.cancel();
                }
                onError(Exceptions.failWithOverflow("the source sent more items than the " + parent.prefetch
                        + " requested"));
                return;
            }
            drain();
        }

        @Override
        public void onError(Throwable t) {
            sourceError = t;
            sourceDone = true;
            drain();
        }

        @Override
        public void onComplete() {
            sourceDone = true;
            drain();
        }

        /** A Mono of no value: demand changes nothing; the sends go as the source emits. */
        @Override
        public void request(long n) {
        }

        @Override
        public void cancel() {
            cancelled = true;
            drain();
        }

        /** Runs {@link #drainLoop} on the loop: at once when called there, else handed over. */
        private void drain() {
            if (WIP.getAndIncrement(this) != 0) {
                return;
            }
            if (parent.loop.inEventLoop()) {
                drainLoop();
                return;
            }
            try {
                parent.loop.execute(this);
            } catch (RejectedExecutionException e) {
                // the loop is closed, and its close ended the sends it had: what is left is done here
                loopGone = true;
                drainLoop();
            }
        }

        @Override
        public void run() {
            drainLoop();
        }

        private void drainLoop() {
            int missed = 1;
            while (true) {
                if (terminated) {
                    releaseQueued();
                } else if (cancelled || loopGone) {
                    stop();
                    if (!cancelled) {
                        actual.onError(new RuntimeClosedException(null));
                    }
                } else {
                    if (sendError == null && sourceError == null) {
                        startSends();
                    }
                    boolean done = sourceDone; // read before the error, which is written before it
                    Throwable e = sendError != null ? sendError : sourceError;
                    if (e != null) {
                        stop();
                        actual.onError(e);
                    } else if (done && inFlight == 0 && queue.isEmpty()) {
                        terminated = true;
                        actual.onComplete();
                    }
                }
                missed = WIP.addAndGet(this, -missed);
                if (missed == 0) {
                    return;
                }
            }
        }

        private void startSends() {
            T item;
            while (inFlight < parent.window && sendError == null && !cancelled && (item = queue.poll()) != null) {
                inFlight++;
                Send<T> s = new Send<>(this, item);
                SendOp op;
                try {
                    op = parent.send.apply(item);
                } catch (Throwable t) {
                    s.run();
                    inFlight--;
                    sendError = Operators.onOperatorError(t, actual.currentContext());
                    return;
                }
                s.next = sending;
                if (sending != null) {
                    sending.prev = s;
                }
                sending = s;
                // the item goes back when the op has let go of it, after its final CQE
                MonoUringOp.start(parent.uring, parent.loop, false, op.afterRelease(s), 0, s); // admitted at subscribe
            }
        }

        /** Ends the stream without a signal: the source and the sends in flight cancelled, the queue released. */
        private void stop() {
            terminated = true;
            Subscription u = upstream;
            if (u != null && !sourceDone) {
                u.cancel();
            }
            if (!loopGone) { // else off the loop: its sends ended with it, and their list is its own
                for (Send<T> s = sending; s != null; s = s.next) {
                    s.cancelOp();
                }
                sending = null;
            }
            releaseQueued();
        }

        private void releaseQueued() {
            T item;
            while ((item = queue.poll()) != null) {
                parent.release.accept(item);
            }
        }

        /** {@code s}'s send ended (its final CQE came, its item is released); on the loop. */
        void sent(Send<T> s, @Nullable Throwable error) {
            if (!s.linked) {
                return;
            }
            Send<T> p = s.prev;
            Send<T> n = s.next;
            if (p != null) {
                p.next = n;
            } else {
                sending = n;
            }
            if (n != null) {
                n.prev = p;
            }
            s.linked = false;
            inFlight--;
            if (error != null && sendError == null) {
                sendError = error;
            } else if (++ended == limit) {
                // asked for again as sends end, not as they start: the items held stay within prefetch
                ended = 0;
                Subscription u = upstream;
                if (u != null && !sourceDone) {
                    u.request(limit);
                }
            }
            drain();
        }
    }

    /** One send: the op's subscriber, and what gives its item back once the op has let go of it. */
    static final class Send<T> implements CoreSubscriber<Void>, Runnable {
        private final Sends<T> stream;
        private final T item;
        private @Nullable Subscription op;
        // the stream's list of sends in flight; loop thread only
        @Nullable Send<T> prev;
        @Nullable Send<T> next;
        boolean linked = true;

        Send(Sends<T> stream, T item) {
            this.stream = stream;
            this.item = item;
        }

        @Override
        public Context currentContext() {
            return stream.currentContext();
        }

        @Override
        public void onSubscribe(Subscription s) {
            op = s;
            s.request(1); // on the loop: the SQE is prepared now and goes out with this pass's
        }

        @Override
        public void onNext(Void v) {
        }

        @Override
        public void onError(Throwable t) {
            stream.sent(this, t);
        }

        @Override
        public void onComplete() {
            stream.sent(this, null);
        }

        /** Releases the item: the op ran it after letting go of everything. */
        @Override
        public void run() {
            stream.parent.release.accept(item);
        }

        void cancelOp() {
            linked = false;
            Subscription s = op;
            if (s != null) {
                s.cancel();
            }
        }
    }
}
