package dev.uring.benchmarks;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousFileChannel;
import java.nio.channels.CompletionHandler;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The JDK's peers of {@link RingRandomReadBenchmark} on the same hot file, offsets and read size:
 * {@link FileChannel} positional reads on one thread, and {@link AsynchronousFileChannel} with 32
 * reads in flight (the JDK runs them as blocking preads on its default thread pool).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class PeerRandomReadBenchmark {
    private static final int OFFSETS = BenchFile.OFFSETS;

    /**
     * A FileChannel over the warmed file and one direct 4 KiB buffer per JMH thread; each thread
     * starts at its own place in the offsets, so threads do not read the same blocks in step.
     */
    @State(Scope.Thread)
    public static class Sync {
        FileChannel channel;
        final ByteBuffer buffer = ByteBuffer.allocateDirect(BenchFile.BLOCK);
        final long[] offsets = BenchFile.randomOffsets(OFFSETS, 7);
        int next;

        /** Creates and warms the file, then opens it. */
        @Setup(Level.Trial)
        public void open() throws IOException {
            Path file = BenchFile.ensure();
            BenchFile.warm(file);
            channel = FileChannel.open(file, StandardOpenOption.READ);
            next = (int) (Thread.currentThread().threadId() * 4099) & (OFFSETS - 1);
        }

        /** One 4 KiB pread at the next random offset. */
        public int read() throws IOException {
            long offset = offsets[next];
            next = (next + 1) & (OFFSETS - 1);
            int n = channel.read(buffer.clear(), offset);
            if (n != BenchFile.BLOCK) {
                throw new IOException("short read: " + n + " bytes at " + offset);
            }
            return n;
        }

        /** Closes the channel. */
        @TearDown(Level.Trial)
        public void close() throws IOException {
            channel.close();
        }
    }

    /**
     * An AsynchronousFileChannel with 32 slots (one direct 4 KiB buffer each); a slot goes back to
     * the free queue when its read completes, so at most 32 reads are in flight.
     */
    @State(Scope.Thread)
    public static class Async {
        AsynchronousFileChannel channel;
        final ByteBuffer[] buffers = new ByteBuffer[RingRandomReadBenchmark.DEPTH];
        final ArrayBlockingQueue<Integer> free = new ArrayBlockingQueue<>(RingRandomReadBenchmark.DEPTH);
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
            channel = AsynchronousFileChannel.open(file, StandardOpenOption.READ);
            for (int i = 0; i < buffers.length; i++) {
                buffers[i] = ByteBuffer.allocateDirect(BenchFile.BLOCK);
                free.add(i);
            }
        }

        /**
         * Issues {@code reads} 4 KiB reads at the next random offsets, never more than the slots in
         * flight; the next offset index is returned so JMH keeps the work.
         */
        public int readBatch(int reads) throws InterruptedException, IOException {
            for (int i = 0; i < reads; i++) {
                Integer slot = free.take();
                long offset = offsets[next];
                next = (next + 1) & (OFFSETS - 1);
                channel.read(buffers[slot].clear(), offset, slot, done);
            }
            if (failures != 0) {
                throw new IOException(failures + " asynchronous reads failed or came back short");
            }
            return next;
        }

        /** Waits for the reads in flight, then closes the channel. */
        @TearDown(Level.Trial)
        public void close() throws IOException, InterruptedException {
            for (int i = 0; i < buffers.length; i++) {
                free.take();
            }
            channel.close();
        }
    }

    /** FileChannel.read(buffer, position) of 4 KiB at a random offset on one thread: blocking pread IOPS. */
    @Benchmark
    public int fileChannel(Sync s) throws IOException {
        return s.read();
    }

    /** AsynchronousFileChannel 4 KiB random reads with 32 in flight: IOPS through the JDK's thread pool. */
    @Benchmark
    @OperationsPerInvocation(RingRandomReadBenchmark.READS)
    public int asyncFileChannel(Async s) throws InterruptedException, IOException {
        return s.readBatch(RingRandomReadBenchmark.READS);
    }
}
