package dev.uring.nio;

/**
 * Where an op's result goes: a {@link PendingFuture} the caller holds, or a {@link HandlerDispatch}
 * that runs the caller's {@link java.nio.channels.CompletionHandler} on the channel's executor.
 * Called once, on whatever thread finished the op (usually a loop thread): implementations never
 * run user code on it.
 */
interface Outcome<V> {
    void succeeded(V value);

    void failed(Throwable error);
}
