package dev.uring.nio;

import static java.nio.file.StandardOpenOption.CREATE;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.SYNC;
import static java.nio.file.StandardOpenOption.WRITE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.AsynchronousFileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Close with ops in flight and Future.cancel. Reads of an empty FIFO stay in the kernel until
 * cancelled (the FIFO is opened read-write, so it has a writer and never reports end of file): they
 * are the ops a close must cancel, fail with AsynchronousCloseException and wait for.
 */
@Timeout(60)
class CloseAndCancelTest {
    @TempDir
    Path dir;

    private Path fifo() throws IOException, InterruptedException {
        Path p = dir.resolve("fifo-" + System.nanoTime());
        Process mk = new ProcessBuilder("mkfifo", p.toString()).inheritIO().start();
        assertThat(mk.waitFor()).isZero();
        return p;
    }

    @Test
    void closeFailsReadsInTheKernelWithAsynchronousCloseExceptionAndLeavesNoFd() throws Exception {
        Path fifo = fifo();
        long before = Fds.open();
        AsynchronousFileChannel ch = UringAsynchronousFileChannel.open(fifo, READ, WRITE);
        List<Future<Integer>> futures = new ArrayList<>();
        List<CompletableFuture<Handlers.Call<Integer>>> handled = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            futures.add(ch.read(ByteBuffer.allocate(4096), 0));
            CompletableFuture<Handlers.Call<Integer>> h = new CompletableFuture<>();
            ch.read(ByteBuffer.allocateDirect(4096), 0, i, Handlers.recording(h));
            handled.add(h);
        }
        Thread.sleep(100);
        for (Future<Integer> f : futures) {
            assertThat(f.isDone()).as("a read of an empty FIFO waits").isFalse();
        }
        ch.close();
        assertThat(ch.isOpen()).isFalse();
        for (Future<Integer> f : futures) {
            assertThat(f.isDone()).as("close returns after the final completions").isTrue();
            assertThatThrownBy(() -> f.get(0, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(AsynchronousCloseException.class);
        }
        for (CompletableFuture<Handlers.Call<Integer>> h : handled) {
            Handlers.Call<Integer> c = h.get(10, TimeUnit.SECONDS);
            assertThat(c.error()).isInstanceOf(AsynchronousCloseException.class);
            assertThat(c.thread().getName()).startsWith("uring-nio-handler-");
        }
        assertThat(Fds.anyOpenOn(fifo)).isFalse();
        assertThat(Fds.open()).isEqualTo(before);
    }

    @Test
    void writesRacingACloseCompleteOrFailWithAsynchronousCloseException() throws Exception {
        Path f = dir.resolve("race");
        Random random = new Random(1);
        for (int round = 0; round < 20; round++) {
            long before = Fds.open();
            AsynchronousFileChannel ch = UringAsynchronousFileChannel.open(f, CREATE, WRITE, SYNC);
            List<Future<Integer>> writes = new ArrayList<>();
            for (int i = 0; i < 1 + random.nextInt(16); i++) {
                byte[] b = new byte[1024 + random.nextInt(16_000)];
                writes.add(ch.write(random.nextBoolean() ? ByteBuffer.wrap(b) : ByteBuffer.allocateDirect(b.length),
                        random.nextInt(1 << 20)));
            }
            ch.close();
            for (Future<Integer> w : writes) {
                try {
                    assertThat(w.get()).isPositive();
                } catch (ExecutionException e) {
                    assertThat(e.getCause()).isInstanceOf(AsynchronousCloseException.class);
                }
            }
            assertThat(Fds.open()).isEqualTo(before);
        }
    }

    @Test
    void cancelledReadReportsCancellationAndTheChannelStaysOpen() throws Exception {
        Path fifo = fifo();
        try (AsynchronousFileChannel ch = UringAsynchronousFileChannel.open(fifo, READ, WRITE)) {
            Future<Integer> read = ch.read(ByteBuffer.allocate(100), 0);
            Thread.sleep(50);
            assertThat(read.cancel(false)).isTrue();
            assertThat(read.isDone()).isTrue();
            assertThat(read.isCancelled()).isTrue();
            assertThatThrownBy(read::get).isInstanceOf(CancellationException.class);
            assertThatThrownBy(() -> read.get(1, TimeUnit.SECONDS)).isInstanceOf(CancellationException.class);
            assertThat(read.cancel(false)).as("a second cancel").isFalse();
            assertThat(ch.isOpen()).isTrue();
            // the cancelled read left the kernel: a later write and read see the data
            ch.write(ByteBuffer.wrap("hello".getBytes()), 0).get(10, TimeUnit.SECONDS);
            ByteBuffer b = ByteBuffer.allocate(5);
            assertThat(ch.read(b, 0).get(10, TimeUnit.SECONDS)).isEqualTo(5);
            assertThat(new String(b.array())).isEqualTo("hello");
        }
    }

    @Test
    void forcefulCancelClosesTheChannelAsTheJdkDoes() throws Exception {
        Path fifo = fifo();
        long before = Fds.open();
        AsynchronousFileChannel ch = UringAsynchronousFileChannel.open(fifo, READ, WRITE);
        Future<Integer> read = ch.read(ByteBuffer.allocate(100), 0);
        Future<Integer> other = ch.read(ByteBuffer.allocate(100), 0);
        assertThat(read.cancel(true)).isTrue();
        assertThat(ch.isOpen()).isFalse();
        assertThatThrownBy(() -> other.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(AsynchronousCloseException.class);
        assertThat(Fds.open()).isEqualTo(before);
    }

    @Test
    void aCompletedFutureCannotBeCancelled() throws Exception {
        Path f = dir.resolve("done");
        Files.write(f, new byte[10]);
        try (AsynchronousFileChannel ch = UringAsynchronousFileChannel.open(f, READ)) {
            Future<Integer> read = ch.read(ByteBuffer.allocate(10), 0);
            assertThat(read.get()).isEqualTo(10);
            assertThat(read.cancel(true)).isFalse();
            assertThat(read.isCancelled()).isFalse();
            assertThat(ch.isOpen()).isTrue();
        }
    }
}
