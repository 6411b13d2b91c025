package dev.uring.benchmarks.reactor;

import dev.uring.benchmarks.BenchFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicInteger;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The blocking peers users pick in 2026 for the reads of {@link ReactorRandomReadBenchmark}: one
 * {@link FileChannel} read by {@code depth} virtual threads at once (thread per read, blocking pread),
 * or by Reactor's idiom for blocking calls,
 * {@code Mono.fromCallable(() -> channel.read(...)).subscribeOn(Schedulers.boundedElastic())}, merged
 * {@code depth} at a time. The same offsets (seed 7), read size and buffers (one per read of an
 * invocation, 4096-aligned so that O_DIRECT accepts them) as the Mono side. Not thread-safe: one JMH
 * thread drives it; {@link #close()} closes the channel.
 */
final class BlockingReads implements AutoCloseable {
    private final FileChannel channel;
    private final ByteBuffer[] buffers;
    private final long[] offsets = BenchFile.randomOffsets(BenchFile.OFFSETS, 7);
    private final int depth;
    private int next;

    /** Opens {@code file} with {@code options} (READ is added) and allocates {@code reads} aligned buffers. */
    BlockingReads(Path file, int reads, int depth, OpenOption... options) throws IOException {
        OpenOption[] all = java.util.Arrays.copyOf(options, options.length + 1);
        all[options.length] = StandardOpenOption.READ;
        this.channel = FileChannel.open(file, all);
        this.depth = depth;
        this.buffers = new ByteBuffer[reads];
        for (int i = 0; i < reads; i++) {
            buffers[i] = ByteBuffer.allocateDirect(2 * BenchFile.BLOCK).alignedSlice(BenchFile.BLOCK)
                    .limit(BenchFile.BLOCK);
        }
    }

    private long offset(int base, int i) {
        return offsets[(base + i) & (BenchFile.OFFSETS - 1)];
    }

    private int read(int base, int i) throws IOException {
        ByteBuffer b = buffers[i].clear().limit(BenchFile.BLOCK);
        int n = channel.read(b, offset(base, i));
        if (n != BenchFile.BLOCK) {
            throw new IOException("short read: " + n + " bytes at " + offset(base, i));
        }
        return n;
    }

    /**
     * {@code buffers.length} reads on {@code depth} virtual threads started for the batch, each reading
     * its share one after the other with blocking {@code FileChannel.read(buffer, position)}; returns
     * when all have ended (a failed read fails the batch).
     */
    int virtualThreads() throws IOException, InterruptedException {
        int base = next;
        int reads = buffers.length;
        next = (base + reads) & (BenchFile.OFFSETS - 1);
        AtomicInteger failures = new AtomicInteger();
        Thread[] threads = new Thread[depth];
        for (int t = 0; t < depth; t++) {
            int first = t;
            threads[t] = Thread.ofVirtual().start(() -> {
                for (int i = first; i < reads; i += depth) {
                    try {
                        read(base, i);
                    } catch (IOException e) {
                        failures.incrementAndGet();
                    }
                }
            });
        }
        for (Thread t : threads) {
            t.join();
        }
        if (failures.get() != 0) {
            throw new IOException(failures.get() + " reads failed or came back short");
        }
        return next;
    }

    /**
     * {@code buffers.length} reads as {@code Mono.fromCallable(read).subscribeOn(boundedElastic())},
     * {@code depth} subscribed at a time by {@code flatMap}: Reactor's documented way to wrap a blocking call.
     */
    long boundedElastic() {
        int base = next;
        int reads = buffers.length;
        next = (base + reads) & (BenchFile.OFFSETS - 1);
        Long done = Flux.range(0, reads)
                .flatMap(i -> Mono.fromCallable(() -> read(base, i)).subscribeOn(Schedulers.boundedElastic()), depth)
                .count()
                .block();
        return done == null ? 0 : done;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
