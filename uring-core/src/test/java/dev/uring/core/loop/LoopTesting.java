package dev.uring.core.loop;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/** Runs code on a loop's thread and waits for the answer. */
final class LoopTesting {
    private LoopTesting() {
    }

    static <T> T onLoop(EventLoop loop, Supplier<T> work) throws Exception {
        CompletableFuture<T> f = new CompletableFuture<>();
        loop.execute(() -> {
            try {
                f.complete(work.get());
            } catch (Throwable t) {
                f.completeExceptionally(t);
            }
        });
        return f.get(30, TimeUnit.SECONDS);
    }

    static EventLoop start(int entries) throws Exception {
        return EventLoop.start(EventLoop.defaultOptions(entries).setupHooks(false),
                Thread.ofPlatform().name("test-loop").factory());
    }
}
