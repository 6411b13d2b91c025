package dev.uring.nio;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;

/**
 * The {@link Future} an op returns when no handler is given. It is a plain {@code Future}, not a
 * {@code CompletionStage}: nothing can be chained onto it to run on the loop thread that completes
 * it. {@link #cancel} asks the kernel to cancel the op (the result is then ignored), and with
 * {@code mayInterruptIfRunning} also closes the channel, as the JDK's channels do.
 */
final class PendingFuture<V> implements Future<V>, Outcome<V> {
    /** What cancelling does to the op; set once the op is in flight. */
    interface Canceller {
        void cancel(boolean closeChannel);
    }

    private final CompletableFuture<V> result = new CompletableFuture<>();
    private volatile @Nullable Canceller canceller;

    /** A future already completed with {@code value}. */
    static <V> PendingFuture<V> of(V value) {
        PendingFuture<V> f = new PendingFuture<>();
        f.succeeded(value);
        return f;
    }

    /** A future already failed with {@code error}. */
    static <V> PendingFuture<V> failedWith(Throwable error) {
        PendingFuture<V> f = new PendingFuture<>();
        f.failed(error);
        return f;
    }

    void onCancel(Canceller c) {
        canceller = c;
    }

    @Override
    public void succeeded(V value) {
        result.complete(value);
    }

    @Override
    public void failed(Throwable error) {
        result.completeExceptionally(error);
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        // true only for the call that completes the future (CompletableFuture.cancel answers true again)
        if (!result.completeExceptionally(new CancellationException())) {
            return false;
        }
        Canceller c = canceller;
        if (c != null) {
            c.cancel(mayInterruptIfRunning);
        }
        return true;
    }

    @Override
    public boolean isCancelled() {
        return result.isCancelled();
    }

    @Override
    public boolean isDone() {
        return result.isDone();
    }

    @Override
    public V get() throws InterruptedException, ExecutionException {
        return result.get();
    }

    @Override
    public V get(long timeout, TimeUnit unit) throws InterruptedException, ExecutionException, TimeoutException {
        return result.get(timeout, unit);
    }

    /** Waits without giving in to interrupts (restoring the flag after): for the channel's blocking methods. */
    V join() throws ExecutionException {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return result.get();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
