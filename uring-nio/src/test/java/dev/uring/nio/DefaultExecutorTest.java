package dev.uring.nio;

import static java.nio.file.StandardOpenOption.READ;
import static org.assertj.core.api.Assertions.assertThat;

import dev.uring.core.loop.EventLoop;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousFileChannel;
import java.nio.channels.CompletionHandler;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** No handler that blocks keeps the others from running for good, as with the JDK's pool: on the default executor or a given one. */
@Timeout(60)
class DefaultExecutorTest {
    @TempDir
    Path dir;

    @Test
    void aHandlerThatWaitsForAnotherHandlersResultDoesNotWaitForGood() throws Exception {
        Path file = Files.write(dir.resolve("f"), new byte[4096]);
        CountDownLatch firstStarted = new CountDownLatch(1);
        CompletableFuture<Thread> second = new CompletableFuture<>();
        CompletableFuture<String> first = new CompletableFuture<>();
        try (AsynchronousFileChannel ch = UringAsynchronousFileChannel.open(file, READ)) {
            ch.read(ByteBuffer.allocate(16), 0, null, new CompletionHandler<Integer, Object>() {
                @Override
                public void completed(Integer n, Object a) {
                    firstStarted.countDown();
                    try {
                        // blocks the thread it runs on until the next read's handler has run
                        Thread t = second.get(20, TimeUnit.SECONDS);
                        first.complete(Thread.currentThread().getName() + " waited for " + t.getName());
                    } catch (Exception e) {
                        first.completeExceptionally(e);
                    }
                }

                @Override
                public void failed(Throwable e, Object a) {
                    first.completeExceptionally(e);
                }
            });
            assertThat(firstStarted.await(10, TimeUnit.SECONDS)).isTrue();
            // started after the first handler is running, so it comes in a later reap: a task of its own
            ch.read(ByteBuffer.allocate(16), 16, null, new CompletionHandler<Integer, Object>() {
                @Override
                public void completed(Integer n, Object a) {
                    second.complete(Thread.currentThread());
                }

                @Override
                public void failed(Throwable e, Object a) {
                    second.completeExceptionally(e);
                }
            });
            Thread ran = second.get(10, TimeUnit.SECONDS);
            assertThat(ran.getName()).startsWith("uring-nio-handler-");
            assertThat(first.get(10, TimeUnit.SECONDS)).startsWith("uring-nio-handler-").contains("waited for");
        }
    }

    @Test
    void moreShortBusyTasksThanOneThreadKeepsUpWithAlsoRunOnThePool() throws Exception {
        // each task keeps its thread busy 300 us (shorter than the stall time, never waiting): 200 of them
        // queued at once are 60 ms of work, and those that wait go to the pool
        int tasks = 200;
        java.util.Set<String> ranOn = java.util.concurrent.ConcurrentHashMap.newKeySet();
        CountDownLatch done = new CountDownLatch(tasks);
        for (int i = 0; i < tasks; i++) {
            DefaultExecutor.INSTANCE.execute(() -> {
                long end = System.nanoTime() + TimeUnit.MICROSECONDS.toNanos(300);
                while (System.nanoTime() < end) {
                    Thread.onSpinWait();
                }
                ranOn.add(Thread.currentThread().getName());
                done.countDown();
            });
        }
        assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();
        assertThat(ranOn).contains("uring-nio-handler-0").hasSizeGreaterThan(1)
                .allMatch(n -> n.startsWith("uring-nio-handler-"));
    }

    @Test
    void handlersThatWaitForALaterHandlerOfTheSameLoopPassDoNotWaitForGood() throws Exception {
        // the first holds the handler thread; the second, taken from its batch, must not hold the third
        for (String waited : waitForTheLastHandlerOfOnePass(DefaultExecutor.INSTANCE, 2)) {
            assertThat(waited).startsWith("uring-nio-handler-").contains("waited for uring-nio-handler-");
        }
    }

    @Test
    void aGivenExecutorWithThreadsToSpareRunsHandlersOfOnePassConcurrentlyAsTheJdksChannelWould() throws Exception {
        ExecutorService pool = Executors.newCachedThreadPool();
        try {
            assertThat(waitForTheLastHandlerOfOnePass(pool, 2)).allMatch(s -> s.contains("waited for"));
        } finally {
            pool.shutdown();
        }
    }

    /**
     * Completes {@code waiters + 1} ops in one pass of a real loop, as its reap does; the handlers of
     * the first {@code waiters} block until the last one's has run. Returns, per waiter, on which
     * threads; fails when one waited 20 s.
     */
    private static List<String> waitForTheLastHandlerOfOnePass(Executor executor, int waiters) throws Exception {
        CompletableFuture<Thread> last = new CompletableFuture<>();
        List<CompletableFuture<String>> waited = new ArrayList<>();
        for (int i = 0; i < waiters; i++) {
            waited.add(new CompletableFuture<>());
        }
        CompletionHandler<Integer, Integer> handler = new CompletionHandler<>() {
            @Override
            public void completed(Integer n, Integer which) {
                if (which == waiters) {
                    last.complete(Thread.currentThread());
                    return;
                }
                try {
                    Thread t = last.get(20, TimeUnit.SECONDS);
                    waited.get(which).complete(Thread.currentThread().getName() + " waited for " + t.getName());
                } catch (Exception e) {
                    waited.get(which).completeExceptionally(e);
                }
            }

            @Override
            public void failed(Throwable e, Integer which) {
                last.completeExceptionally(e);
            }
        };
        try (EventLoop loop = EventLoop.start(EventLoop.defaultOptions(8), Thread.ofPlatform().daemon().factory())) {
            HandlerBatches batches = new HandlerBatches(loop);
            loop.execute(() -> {
                for (int i = 0; i <= waiters; i++) {
                    HandlerDispatch<Integer, Integer> d = new HandlerDispatch<>(handler, i, executor);
                    d.batches = batches;
                    d.succeeded(16);
                }
            });
            List<String> result = new ArrayList<>();
            for (CompletableFuture<String> w : waited) {
                result.add(w.get(30, TimeUnit.SECONDS));
            }
            return result;
        }
    }
}
