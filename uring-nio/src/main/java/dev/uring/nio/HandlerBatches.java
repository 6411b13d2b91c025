package dev.uring.nio;

import dev.uring.core.loop.EventLoop;
import java.util.Arrays;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.jspecify.annotations.Nullable;

/**
 * The completion handlers one loop has results for, grouped by executor, handed over as one task per
 * executor and loop pass instead of one task per completion. The first result of a pass queues a
 * flush on the loop itself (no wake-up: the loop runs it at the start of its next pass, after the
 * CQEs of this reap and before it submits or sleeps), so the handlers of one reap reach each
 * executor as one {@link Batch}, which runs them one after another on one of its threads, as a JDK
 * channel does with a one-thread executor. Loop thread only, but for {@link Batch#run}.
 */
final class HandlerBatches {
    private final EventLoop loop;
    private final Runnable flush = this::flush;
    /** Executors with handlers waiting, in order of first use this pass; {@code heads[i]} and {@code tails[i]} are theirs. */
    private Executor[] executors = new Executor[2];
    private HandlerDispatch<?, ?>[] heads = new HandlerDispatch<?, ?>[2];
    private HandlerDispatch<?, ?>[] tails = new HandlerDispatch<?, ?>[2];
    private int used;

    HandlerBatches(EventLoop loop) {
        this.loop = loop;
    }

    /** Whether the calling thread is the loop's (where {@link #post} may be called). */
    boolean onLoop() {
        return loop.inEventLoop();
    }

    /** Queues {@code d}'s handler for the executor's next batch; loop thread only. */
    void post(HandlerDispatch<?, ?> d) {
        Executor ex = d.executor;
        int n = used;
        for (int i = 0; i < n; i++) {
            if (executors[i] == ex) {
                tails[i].next = d;
                tails[i] = d;
                return;
            }
        }
        if (n == executors.length) {
            executors = Arrays.copyOf(executors, n * 2);
            heads = Arrays.copyOf(heads, n * 2);
            tails = Arrays.copyOf(tails, n * 2);
        }
        executors[n] = ex;
        heads[n] = d;
        tails[n] = d;
        used = n + 1;
        if (n == 0) {
            try {
                loop.execute(flush); // on the loop: queued without a wake-up, run at the next pass
            } catch (RejectedExecutionException e) {
                flush(); // the loop is closing (its last CQEs): no next pass to wait for
            }
        }
    }

    private void flush() {
        int n = used;
        used = 0;
        for (int i = 0; i < n; i++) {
            Executor ex = executors[i];
            HandlerDispatch<?, ?> head = heads[i];
            executors[i] = null;
            heads[i] = null;
            tails[i] = null;
            HandlerDispatch.execute(ex, head.next == null ? head : new Batch(head));
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

    /** The handlers of one pass for one executor, run in the order their results came. */
    private record Batch(HandlerDispatch<?, ?> head) implements Runnable {
        @Override
        public void run() {
            @Nullable HandlerDispatch<?, ?> d = head;
            while (d != null) {
                HandlerDispatch<?, ?> next = d.next;
                d.next = null;
                try {
                    d.run();
                } catch (Throwable t) {
                    // as an executor would for a task of its own: report it, and go on with the others
                    reportUncaught(t);
                }
                d = next;
            }
        }
    }
}
