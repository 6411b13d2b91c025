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
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
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

/** Handlers of one loop pass reach the default executor as one batch, a given executor one by one, never on the loop. */
@Timeout(60)
class HandlerBatchesTest {
    @TempDir
    Path dir;

    /** An executor that counts the tasks it is given and runs them on a thread of its own. */
    private static final class CountingExecutor implements Executor {
        final AtomicInteger tasks = new AtomicInteger();
        final Set<Thread> threads = ConcurrentHashMap.newKeySet();
        final ExecutorService pool = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r);
            threads.add(t);
            return t;
        });

        @Override
        public void execute(Runnable task) {
            tasks.incrementAndGet();
            pool.execute(task);
        }
    }

    @Test
    void theResultsOfOnePassReachTheDefaultExecutorTogetherAndAGivenExecutorAsOneTaskEach() throws Exception {
        CountingExecutor given = new CountingExecutor();
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
                    HandlerDispatch<Integer, String> d = new HandlerDispatch<>(handler, "default", DefaultExecutor.INSTANCE);
                    d.batches = batches;
                    d.succeeded(i);
                }
                for (int i = 0; i < 3; i++) {
                    HandlerDispatch<Integer, String> d = new HandlerDispatch<>(handler, "given", given);
                    d.batches = batches;
                    d.succeeded(i);
                }
            });
            assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(given.tasks).hasValue(3);
            assertThat(ran).containsExactlyInAnyOrder("default0", "default1", "default2", "default3", "default4",
                    "given0", "given1", "given2");
            assertThat(ran.stream().filter(s -> s.startsWith("given"))).containsExactly("given0", "given1", "given2");
            assertThat(threads).doesNotContain(loop.thread())
                    .filteredOn(t -> !given.threads.contains(t))
                    .allMatch(t -> t.getName().startsWith("uring-nio-handler-"));
        } finally {
            given.pool.shutdown();
        }
    }

    @Test
    void aBatchRunsItsHandlersInOrderAndGivesUpThoseNotStartedWhenTakenAway() {
        List<String> ran = new ArrayList<>();
        HandlerBatches.Batch[] batch = new HandlerBatches.Batch[1];
        List<HandlerDispatch<?, ?>> rest = new ArrayList<>();
        CompletionHandler<Integer, String> handler = new CompletionHandler<>() {
            @Override
            public void completed(Integer n, String who) {
                ran.add(who);
                if (who.equals("h1")) {
                    // as the default executor's watchdog does while h1 waits
                    for (HandlerDispatch<?, ?> d = batch[0].takeRest(); d != null; d = d.next) {
                        rest.add(d);
                    }
                }
            }

            @Override
            public void failed(Throwable e, String who) {
                ran.add(who + " failed");
            }
        };
        HandlerDispatch<Integer, String> head = new HandlerDispatch<>(handler, "h0", DefaultExecutor.INSTANCE);
        HandlerDispatch<?, ?> tail = head;
        for (int i = 1; i < 5; i++) {
            HandlerDispatch<Integer, String> d = new HandlerDispatch<>(handler, "h" + i, DefaultExecutor.INSTANCE);
            tail.next = d;
            tail = d;
        }
        batch[0] = new HandlerBatches.Batch(head);
        batch[0].run();
        assertThat(ran).containsExactly("h0", "h1");
        assertThat(batch[0].takeRest()).isNull();
        assertThat(rest).hasSize(3);
        rest.forEach(HandlerDispatch::run);
        assertThat(ran).containsExactly("h0", "h1", "h2", "h3", "h4");
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
