package dev.uring.nio;

import static java.nio.file.StandardOpenOption.READ;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousFileChannel;
import java.nio.channels.CompletionHandler;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The default executor never lets a handler that blocks keep the others from running, as the JDK's pool does not. */
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
}
