package dev.uring.nio;

import static java.nio.file.StandardOpenOption.CREATE;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.uring.core.loop.EventLoop;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousFileChannel;
import java.nio.channels.CompletionHandler;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Handlers of one loop pass reach each executor as one task, in order, and never run on the loop. */
@Timeout(60)
class HandlerBatchesTest {
    @TempDir
    Path dir;

    /** An executor that counts the tasks it is given and runs them on a thread of its own. */
    private static final class CountingExecutor implements Executor {
        final AtomicInteger tasks = new AtomicInteger();
        final ExecutorService pool = Executors.newSingleThreadExecutor();

        @Override
        public void execute(Runnable task) {
            tasks.incrementAndGet();
            pool.execute(task);
        }
    }

    @Test
    void theResultsOfOnePassReachEachExecutorAsOneTaskInOrder() throws Exception {
        CountingExecutor a = new CountingExecutor();
        CountingExecutor b = new CountingExecutor();
        List<String> ran = new CopyOnWriteArrayList<>();
        ConcurrentLinkedQueue<Thread> threads = new ConcurrentLinkedQueue<>();
        CountDownLatch done = new CountDownLatch(8);
        CompletionHandler<Integer, String> handler = new CompletionHandler<>() {
            @Override
            public void completed(Integer n, String who) {
                threads.add(Thread.currentThread());
                ran.add(who + n);
                done.countDown();
                if (n == 1) {
                    throw new IllegalStateException("a throwing handler must not cost the others of its batch");
                }
            }

            @Override
            public void failed(Throwable e, String who) {
                ran.add(who + "failed");
                done.countDown();
            }
        };
        try (EventLoop loop = EventLoop.start(EventLoop.defaultOptions(8), Thread.ofPlatform().daemon().factory())) {
            HandlerBatches batches = new HandlerBatches(loop);
            loop.execute(() -> {
                for (int i = 0; i < 5; i++) {
                    HandlerDispatch<Integer, String> d = new HandlerDispatch<>(handler, "a", a);
                    d.batches = batches;
                    d.succeeded(i);
                }
                for (int i = 0; i < 3; i++) {
                    HandlerDispatch<Integer, String> d = new HandlerDispatch<>(handler, "b", b);
                    d.batches = batches;
                    d.succeeded(i);
                }
            });
            assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(a.tasks).hasValue(1);
            assertThat(b.tasks).hasValue(1);
            assertThat(ran.stream().filter(s -> s.startsWith("a"))).containsExactly("a0", "a1", "a2", "a3", "a4");
            assertThat(ran.stream().filter(s -> s.startsWith("b"))).containsExactly("b0", "b1", "b2");
            assertThat(threads).doesNotContain(loop.thread());
        } finally {
            a.pool.shutdown();
            b.pool.shutdown();
        }
    }

    @Test
    void manyHandlersInFlightAllRunOffTheLoops() throws Exception {
        Path f = dir.resolve("data");
        Files.write(f, new byte[64 * 4096]);
        ConcurrentLinkedQueue<Thread> threads = new ConcurrentLinkedQueue<>();
        AtomicInteger failures = new AtomicInteger();
        int reads = 2048;
        CountDownLatch done = new CountDownLatch(reads);
        CompletionHandler<Integer, Object> handler = new CompletionHandler<>() {
            @Override
            public void completed(Integer n, Object a) {
                if (n != 4096) {
                    failures.incrementAndGet();
                }
                threads.add(Thread.currentThread());
                done.countDown();
            }

            @Override
            public void failed(Throwable e, Object a) {
                failures.incrementAndGet();
                done.countDown();
            }
        };
        try (AsynchronousFileChannel ch = UringAsynchronousFileChannel.open(f, Set.of(CREATE, READ, WRITE), null)) {
            for (int i = 0; i < reads; i++) {
                ch.read(ByteBuffer.allocateDirect(4096), (long) (i % 64) * 4096, null, handler);
            }
            assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(failures).hasValue(0);
        Loops loops = Loops.current();
        assertThat(threads).noneMatch(loops::inLoopThread)
                .allMatch(t -> t.getName().startsWith("uring-nio-handler-"));
    }
}
