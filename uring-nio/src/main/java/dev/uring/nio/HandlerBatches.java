package dev.uring.nio;

import dev.uring.core.loop.EventLoop;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.RejectedExecutionException;
import org.jspecify.annotations.Nullable;

/**
 * The completion handlers for the {@link DefaultExecutor} one loop has results for, handed over as one
 * task per loop pass instead of one task per completion. The first result of a pass queues a flush on
 * the loop itself (no wake-up: the loop runs it at the start of its next pass, after the CQEs of this
 * reap and before it submits or sleeps), so the handlers of one reap reach the executor as one
 * {@link Batch}, which runs them one after another. A user's executor gets one task per handler, as
 * the JDK gives it: only the default executor's watchdog can take the rest of a batch away from a
 * handler that waits. Loop thread only, but for {@link Batch}.
 */
final class HandlerBatches {
    private final EventLoop loop;
    private final Runnable flush = this::flush;
    private @Nullable HandlerDispatch<?, ?> head;
    private @Nullable HandlerDispatch<?, ?> tail;

    HandlerBatches(EventLoop loop) {
        this.loop = loop;
    }

    /** Whether the calling thread is the loop's (where {@link #post} may be called). */
    boolean onLoop() {
        return loop.inEventLoop();
    }

    /** Queues {@code d}'s handler (its executor the default one) for the next batch; loop thread only. */
    void post(HandlerDispatch<?, ?> d) {
        HandlerDispatch<?, ?> t = tail;
        tail = d;
        if (t != null) {
            t.next = d;
            return;
        }
        head = d;
        try {
            loop.execute(flush); // on the loop: queued without a wake-up, run at the next pass
        } catch (RejectedExecutionException e) {
            flush(); // the loop is closing (its last CQEs): no next pass to wait for
        }
    }

    private void flush() {
        HandlerDispatch<?, ?> h = head;
        head = null;
        tail = null;
        if (h != null) {
            HandlerDispatch.execute(DefaultExecutor.INSTANCE, h.next == null ? h : new Batch(h));
        }
    }

    /** Hands {@code t} to the calling thread's uncaught-exception handler, as a thread that a task threw on would. */
    static void reportUncaught(Throwable t) {
        Thread current = Thread.currentThread();
        Thread.UncaughtExceptionHandler h = current.getUncaughtExceptionHandler();
        if (h != null) {
            h.uncaughtException(current, t);
        }
    }

    /**
     * The handlers of one pass, run in the order their results came. Each handler is taken by a CAS on
     * the cursor, so the ones not yet started can be taken away ({@link #takeRest}) while one of them waits.
     */
    static final class Batch implements Runnable {
        private static final VarHandle CURSOR;

        static {
            try {
                CURSOR = MethodHandles.lookup().findVarHandle(Batch.class, "cursor", HandlerDispatch.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        /** The first handler not yet taken; null once all are taken. */
        @SuppressWarnings("unused") // through CURSOR
        private volatile @Nullable HandlerDispatch<?, ?> cursor;

        Batch(HandlerDispatch<?, ?> head) {
            cursor = head;
        }

        @Override
        public void run() {
            @Nullable HandlerDispatch<?, ?> d;
            while ((d = cursor) != null) {
                HandlerDispatch<?, ?> next = d.next;
                if (!CURSOR.compareAndSet(this, d, next)) {
                    continue; // the rest was taken away
                }
                d.next = null;
                try {
                    d.run();
                } catch (Throwable t) {
                    // as an executor would for a task of its own: report it, and go on with the others
                    reportUncaught(t);
                }
            }
        }

        /**
         * Takes the handlers not yet started out of this batch: the first of them, linked by
         * {@link HandlerDispatch#next} in their order, or null if none.
         */
        @Nullable HandlerDispatch<?, ?> takeRest() {
            return (HandlerDispatch<?, ?>) CURSOR.getAndSet(this, null);
        }
    }
}
