package dev.uring.nio;

import java.nio.channels.CompletionHandler;
import java.util.concurrent.CompletableFuture;

/** A CompletionHandler that records its result, its failure and the thread it ran on. */
final class Handlers {
    private Handlers() {
    }

    record Call<V>(V value, Throwable error, Thread thread, Object attachment) {
    }

    static <V> CompletionHandler<V, Object> recording(CompletableFuture<Call<V>> into) {
        return new CompletionHandler<>() {
            @Override
            public void completed(V result, Object attachment) {
                into.complete(new Call<>(result, null, Thread.currentThread(), attachment));
            }

            @Override
            public void failed(Throwable exc, Object attachment) {
                into.complete(new Call<>(null, exc, Thread.currentThread(), attachment));
            }
        };
    }
}
