package dev.uring.benchmarks.files;

import dev.uring.benchmarks.BenchFile;
import dev.uring.nio.UringAsynchronousFileChannel;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousFileChannel;
import java.nio.channels.CompletionHandler;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.List;
import java.util.Set;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.jspecify.annotations.Nullable;

/**
 * {@link AsynchronousFileChannel} as existing code uses it, the JDK's ({@code impl=jdk}: blocking
 * preads on its default thread pool) against uring-nio's ({@code impl=uring}: cached pages read on the
 * calling thread by preadv2 RWF_NOWAIT, the rest io_uring READs on the per-core loops, the channel that
 * {@code -Djava.nio.file.spi.DefaultFileSystemProvider=dev.uring.nio.UringFileSystemProvider} hands
 * out), through the same calls: 4 KiB random reads of the hot 1 GiB {@link BenchFile} with 32 in flight
 * (handlers on each channel's default executor; also ours with every read on the ring,
 * {@code impl=uringRingOnly}, ours with handlers run inline, {@code uringInline}, the JDK's channel and
 * ours on a fixed pool of 32 threads, {@code impl=jdkPool32} and {@code uringPool32}, and the shape with
 * one handler thread and no I/O, {@code impl=handoffOnly}, or a pread on the calling thread,
 * {@code impl=callerPread}), and a
 * whole-file read in 64 KiB heap buffers one after another, as Spring's {@code DataBufferUtils.read} does.
 */
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class AsyncFileChannelBenchmark {
    static final int DEPTH = 32;
    static final int READS = 256;
    private static final int OFFSETS = 1 << 16;
    private static final int CHUNK = 64 * 1024;

    /**
     * {@code uringInline}'s executor: runs each handler at once on the thread that completes its read
     * (the caller for a cached read, else the loop). Not how the channel should be run (a handler that
     * blocks stalls that thread); it measures what the hand-over to the default handler thread costs.
     */
    private static final ExecutorService INLINE = new AbstractExecutorService() {
        @Override
        public void execute(Runnable task) {
            task.run();
        }

        @Override
        public void shutdown() {
        }

        @Override
        public List<Runnable> shutdownNow() {
            return List.of();
        }

        @Override
        public boolean isShutdown() {
            return false;
        }

        @Override
        public boolean isTerminated() {
            return false;
        }

        @Override
        public boolean awaitTermination(long timeout, TimeUnit unit) {
            return false;
        }
    };

    static AsynchronousFileChannel open(String impl, Path file, @Nullable ExecutorService pool) throws IOException {
        return switch (impl) {
            case "jdk" -> AsynchronousFileChannel.open(file, StandardOpenOption.READ);
            case "jdkPool32" -> AsynchronousFileChannel.open(file, Set.of(StandardOpenOption.READ), pool);
            case "uring" -> UringAsynchronousFileChannel.open(file, StandardOpenOption.READ);
            case "uringRingOnly" -> {
                // read by uring-nio's Loops when its first channel opens: in this fork, that is this one
                System.setProperty("uring.nio.readCachedOnCaller", "false");
                yield UringAsynchronousFileChannel.open(file, StandardOpenOption.READ);
            }
            case "uringInline" -> UringAsynchronousFileChannel.open(file, Set.of(StandardOpenOption.READ), INLINE);
            case "uringPool32" -> UringAsynchronousFileChannel.open(file, Set.of(StandardOpenOption.READ), pool);
            case "handoffOnly" -> new OneHandlerThreadChannel(null);
            case "callerPread" -> new OneHandlerThreadChannel(FileChannel.open(file, StandardOpenOption.READ));
            default -> throw new IllegalArgumentException(
                    "impl is jdk, jdkPool32, uring, uringRingOnly, uringInline, uringPool32, handoffOnly or "
                    + "callerPread, not " + impl);
        };
    }

    /**
     * Not a channel to use: designs measured against ours. Each read is done on the calling thread, then its
     * handler handed to one executor thread (the contract's hand-over when the caller is not a thread of the
     * channel's pool), as uring-nio's default executor runs every handler on one thread. With no file
     * ({@code handoffOnly}) it reads nothing and fills the buffer's count at once: the shape with its reads
     * free. With one ({@code callerPread}) it preads there: what reading cached pages on the caller (as a
     * preadv2 RWF_NOWAIT fast path would) and handing over only the handler reaches.
     */
    static final class OneHandlerThreadChannel extends AsynchronousFileChannel {
        private final ExecutorService handlers = Executors.newSingleThreadExecutor(
                Thread.ofPlatform().daemon().name("one-handler-thread").factory());
        private final @Nullable FileChannel file;

        OneHandlerThreadChannel(@Nullable FileChannel file) {
            this.file = file;
        }

        @Override
        public <A> void read(ByteBuffer dst, long position, A attachment,
                CompletionHandler<Integer, ? super A> handler) {
            int n;
            if (file == null) {
                n = dst.remaining();
                dst.position(dst.limit());
            } else {
                try {
                    n = file.read(dst, position);
                } catch (IOException e) {
                    handlers.execute(() -> handler.failed(e, attachment));
                    return;
                }
            }
            handlers.execute(() -> handler.completed(n, attachment));
        }

        @Override
        public boolean isOpen() {
            return !handlers.isShutdown();
        }

        @Override
        public void close() throws IOException {
            handlers.shutdown();
            if (file != null) {
                file.close();
            }
        }

        @Override
        public long size() {
            throw new UnsupportedOperationException("only reads");
        }

        @Override
        public AsynchronousFileChannel truncate(long size) {
            throw new UnsupportedOperationException("only reads");
        }

        @Override
        public void force(boolean metaData) {
            throw new UnsupportedOperationException("only reads");
        }

        @Override
        public <A> void lock(long position, long size, boolean shared, A attachment,
                CompletionHandler<FileLock, ? super A> handler) {
            throw new UnsupportedOperationException("only reads");
        }

        @Override
        public Future<FileLock> lock(long position, long size, boolean shared) {
            throw new UnsupportedOperationException("only reads");
        }

        @Override
        public FileLock tryLock(long position, long size, boolean shared) {
            throw new UnsupportedOperationException("only reads");
        }

        @Override
        public Future<Integer> read(ByteBuffer dst, long position) {
            throw new UnsupportedOperationException("reads with a CompletionHandler only");
        }

        @Override
        public <A> void write(ByteBuffer src, long position, A attachment,
                CompletionHandler<Integer, ? super A> handler) {
            throw new UnsupportedOperationException("only reads");
        }

        @Override
        public Future<Integer> write(ByteBuffer src, long position) {
            throw new UnsupportedOperationException("only reads");
        }
    }

    /**
     * One channel with 32 slots (a direct 4 KiB buffer each); a slot is free again when its read completes.
     * {@code jdkPool32} and {@code uringPool32} are the channels given a fixed pool of 32 threads (one per
     * read in flight).
     */
    @State(Scope.Thread)
    public static class RandomReads {
        @Param({"jdk", "jdkPool32", "uring", "uringRingOnly", "uringInline", "uringPool32", "handoffOnly",
            "callerPread"})
        public String impl;
        AsynchronousFileChannel channel;
        @Nullable ExecutorService pool;
        final ByteBuffer[] buffers = new ByteBuffer[DEPTH];
        final ArrayBlockingQueue<Integer> free = new ArrayBlockingQueue<>(DEPTH);
        final long[] offsets = BenchFile.randomOffsets(OFFSETS, 7);
        volatile int failures;
        int next;
        final CompletionHandler<Integer, Integer> done = new CompletionHandler<>() {
            @Override
            public void completed(Integer n, Integer slot) {
                if (n != BenchFile.BLOCK) {
                    failures++;
                }
                free.add(slot);
            }

            @Override
            public void failed(Throwable e, Integer slot) {
                failures++;
                free.add(slot);
            }
        };

        /** Creates and warms the file, then opens it. */
        @Setup(Level.Trial)
        public void open() throws IOException {
            Path file = BenchFile.ensure();
            BenchFile.warm(file);
            if (impl.equals("jdkPool32") || impl.equals("uringPool32")) {
                pool = Executors.newFixedThreadPool(DEPTH, Thread.ofPlatform().daemon().factory());
            }
            channel = AsyncFileChannelBenchmark.open(impl, file, pool);
            for (int i = 0; i < buffers.length; i++) {
                buffers[i] = ByteBuffer.allocateDirect(BenchFile.BLOCK);
                free.add(i);
            }
        }

        int readBatch(int reads) throws InterruptedException, IOException {
            for (int i = 0; i < reads; i++) {
                Integer slot = free.take();
                long offset = offsets[next];
                next = (next + 1) & (OFFSETS - 1);
                channel.read(buffers[slot].clear(), offset, slot, done);
            }
            if (failures != 0) {
                throw new IOException(failures + " reads failed or came back short");
            }
            return next;
        }

        /** Waits for the reads in flight, then closes the channel. */
        @TearDown(Level.Trial)
        public void close() throws IOException, InterruptedException {
            for (int i = 0; i < DEPTH; i++) {
                free.take();
            }
            channel.close();
            if (pool != null) {
                pool.shutdown();
            }
        }
    }

    /** One channel and one 64 KiB heap buffer, read from start to end of file per invocation. */
    @State(Scope.Thread)
    public static class WholeFile {
        @Param({"jdk", "uring"})
        public String impl;
        AsynchronousFileChannel channel;
        final ByteBuffer buffer = ByteBuffer.allocate(CHUNK);

        /** Creates and warms the file, then opens it. */
        @Setup(Level.Trial)
        public void open() throws IOException {
            Path file = BenchFile.ensure();
            BenchFile.warm(file);
            channel = AsyncFileChannelBenchmark.open(impl, file, null);
        }

        long readAll() throws InterruptedException, ExecutionException {
            CompletableFuture<Long> total = new CompletableFuture<>();
            channel.read(buffer.clear(), 0, 0L, new CompletionHandler<Integer, Long>() {
                @Override
                public void completed(Integer n, Long position) {
                    if (n < 0) {
                        total.complete(position);
                        return;
                    }
                    long next = position + n;
                    channel.read(buffer.clear(), next, next, this);
                }

                @Override
                public void failed(Throwable e, Long position) {
                    total.completeExceptionally(e);
                }
            });
            long n = total.get();
            if (n != BenchFile.SIZE) {
                throw new IllegalStateException("read " + n + " bytes of " + BenchFile.SIZE);
            }
            return n;
        }

        /** Closes the channel. */
        @TearDown(Level.Trial)
        public void close() throws IOException {
            channel.close();
        }
    }

    /** 4 KiB reads at random offsets of the hot file, 32 in flight: reads per second. */
    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    @OperationsPerInvocation(READS)
    public int randomRead4k(RandomReads s) throws InterruptedException, IOException {
        return s.readBatch(READS);
    }

    /** The whole hot 1 GiB file in 64 KiB heap-buffer reads, one in flight: milliseconds per file. */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public long wholeFileRead(WholeFile s) throws InterruptedException, ExecutionException {
        return s.readAll();
    }
}
