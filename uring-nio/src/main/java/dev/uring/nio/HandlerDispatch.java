package dev.uring.nio;

import java.lang.System.Logger.Level;
import java.nio.channels.CompletionHandler;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.jspecify.annotations.Nullable;

/**
 * Runs a {@link CompletionHandler} with an op's result on the channel's executor, never on the
 * thread that reports the result (a loop thread): the handler may block, as the JDK allows. A result
 * for the default executor reported on the loop the op ran on goes into that loop's
 * {@link HandlerBatches}, which hands the handlers of one reap to it as one task; a result reported
 * anywhere else is one task of its own, as is every result for a user's executor.
 */
final class HandlerDispatch<V, A> implements Outcome<V>, Runnable {
    private static final System.Logger LOG = System.getLogger(HandlerDispatch.class.getName());
    private final CompletionHandler<V, ? super A> handler;
    private final @Nullable A attachment;
    final Executor executor;
    /** The batches of the loop the op was started on; set on that loop, read there. */
    @Nullable HandlerBatches batches;
    /** The next handler of the same batch; written and read by the loop, then by the batch's task. */
    @Nullable HandlerDispatch<?, ?> next;
    private @Nullable V value;
    private @Nullable Throwable error;

    HandlerDispatch(CompletionHandler<V, ? super A> handler, @Nullable A attachment, Executor executor) {
        this.handler = handler;
        this.attachment = attachment;
        this.executor = executor;
    }

    @Override
    public void succeeded(V value) {
        this.value = value;
        dispatch();
    }

    @Override
    public void failed(Throwable error) {
        this.error = error;
        dispatch();
    }

    /** Calls the handler with the result; on the executor. */
    @Override
    public void run() {
        Throwable e = error;
        if (e != null) {
            handler.failed(e, attachment);
        } else {
            @SuppressWarnings("null") // a successful op's value is never null
            V v = value;
            handler.completed(v, attachment);
        }
    }

    private void dispatch() {
        HandlerBatches b = batches;
        if (b != null && executor == DefaultExecutor.INSTANCE && b.onLoop()) {
            b.post(this);
        } else {
            execute(executor, this);
        }
    }

    /** Hands {@code task} to {@code executor}, logging a refusal (the result then has nowhere to go). */
    static void execute(Executor executor, Runnable task) {
        try {
            executor.execute(task);
        } catch (RejectedExecutionException e) {
            // the user's executor was shut down while the channel was open ("unspecified behaviour"
            // for the JDK too): the result cannot be delivered; say so rather than lose it silently
            LOG.log(Level.WARNING, "uring-nio: a CompletionHandler could not run: its executor refused the task", e);
        }
    }
}
