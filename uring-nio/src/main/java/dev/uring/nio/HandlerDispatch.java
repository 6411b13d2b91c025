package dev.uring.nio;

import java.lang.System.Logger.Level;
import java.nio.channels.CompletionHandler;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.jspecify.annotations.Nullable;

/**
 * Runs a {@link CompletionHandler} with an op's result on the channel's executor, never on the
 * thread that reports the result (a loop thread): the handler may block, as the JDK allows.
 */
final class HandlerDispatch<V, A> implements Outcome<V> {
    private static final System.Logger LOG = System.getLogger(HandlerDispatch.class.getName());
    private final CompletionHandler<V, ? super A> handler;
    private final @Nullable A attachment;
    private final Executor executor;

    HandlerDispatch(CompletionHandler<V, ? super A> handler, @Nullable A attachment, Executor executor) {
        this.handler = handler;
        this.attachment = attachment;
        this.executor = executor;
    }

    @Override
    public void succeeded(V value) {
        dispatch(() -> handler.completed(value, attachment));
    }

    @Override
    public void failed(Throwable error) {
        dispatch(() -> handler.failed(error, attachment));
    }

    private void dispatch(Runnable call) {
        try {
            executor.execute(call);
        } catch (RejectedExecutionException e) {
            // the user's executor was shut down while the channel was open ("unspecified behaviour"
            // for the JDK too): the result cannot be delivered; say so rather than lose it silently
            LOG.log(Level.WARNING, "uring-nio: a CompletionHandler could not run: its executor refused the task", e);
        }
    }
}
