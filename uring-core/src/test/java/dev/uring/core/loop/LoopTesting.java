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

    /** Waits, at most 10 s, until {@code loop} goes to sleep in io_uring_enter (its busy poll window over). */
    static void awaitSleeping(EventLoop loop) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!loop.isSleeping()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError(loop + " did not go to sleep within 10 s");
            }
            Thread.onSpinWait();
        }
    }

    static EventLoop start(int entries) throws Exception {
        return EventLoop.start(EventLoop.defaultOptions(entries).setupHooks(false),
                Thread.ofPlatform().name("test-loop").factory());
    }
}
