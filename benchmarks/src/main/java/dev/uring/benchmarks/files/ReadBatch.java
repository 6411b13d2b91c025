package dev.uring.benchmarks.files;

import dev.uring.core.Errors;
import dev.uring.core.SqeFlags;
import dev.uring.core.loop.Completion;
import dev.uring.core.loop.EventLoop;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs {@code ops} random block reads of one file on one event loop's ring, keeping {@code depth}
 * in flight: the caller hands the batch over once and waits once, so the hop to the loop thread is
 * spread over the whole batch. Everything but {@link #run} and {@link #close} runs on the loop
 * thread, allocation-free: one completion and one buffer per queue position, reused.
 */
public final class ReadBatch implements AutoCloseable {
    private final EventLoop loop;
    private final int ops;
    private final int blockSize;
    private final long blocks;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment[] bufs;
    private final Completion[] completions;
    private long seed;
    // set by run() before the hand-over, read on the loop thread
    private int fd;
    private int sqeFlags;
    private CompletableFuture<Void> done = CompletableFuture.completedFuture(null);
    // loop thread only, during a batch
    private int submitted;
    private int completed;
    private int firstError;

    /**
     * Prepares batches of {@code ops} reads of {@code blockSize} bytes at random block offsets of a
     * file of {@code fileSize} bytes, {@code depth} in flight, on {@code loop}.
     */
    public ReadBatch(EventLoop loop, int depth, int ops, int blockSize, long fileSize, long seed) {
        if (depth < 1 || ops < depth || fileSize < blockSize) {
            throw new IllegalArgumentException("need 1 <= depth <= ops and a file of at least one block, got depth "
                    + depth + ", ops " + ops + ", file " + fileSize + " bytes");
        }
        this.loop = loop;
        this.ops = ops;
        this.blockSize = blockSize;
        this.blocks = fileSize / blockSize;
        this.seed = seed | 1;
        this.bufs = new MemorySegment[depth];
        this.completions = new Completion[depth];
        for (int i = 0; i < depth; i++) {
            int slot = i;
            bufs[i] = arena.allocate(blockSize, 4096);
            completions[i] = (res, flags) -> completed(slot, res);
        }
    }

    /**
     * Reads {@code ops} random blocks of {@code fdOrSlot} (a fixed slot when {@code fixed}) and
     * waits for the last CQE.
     *
     * @throws IOException when a read failed or came back short
     */
    public void run(int fdOrSlot, boolean fixed) throws IOException, InterruptedException {
        fd = fdOrSlot;
        sqeFlags = fixed ? SqeFlags.FIXED_FILE : 0;
        CompletableFuture<Void> f = new CompletableFuture<>();
        done = f;
        loop.execute(this::start);
        try {
            f.get(60, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        } catch (TimeoutException e) {
            throw new IOException("read batch on " + loop + " did not finish in 60 s", e);
        }
    }

    private void start() {
        submitted = 0;
        completed = 0;
        firstError = 0;
        for (int i = 0; i < bufs.length; i++) {
            submit(i);
        }
    }

    private void submit(int slot) {
        // xorshift64: a random block without allocation
        long x = seed;
        x ^= x << 13;
        x ^= x >>> 7;
        x ^= x << 17;
        seed = x;
        long offset = Long.remainderUnsigned(x, blocks) * blockSize;
        loop.nextSqe().prepRead(fd, bufs[slot], offset).flags(sqeFlags).userData(loop.register(completions[slot]));
        submitted++;
    }

    private void completed(int slot, int res) {
        completed++;
        if (res != blockSize && firstError == 0) {
            firstError = res < 0 ? res : Integer.MIN_VALUE;
        }
        if (submitted < ops && firstError == 0) {
            submit(slot);
        } else if (completed == submitted) {
            if (firstError == 0) {
                done.complete(null);
            } else if (firstError == Integer.MIN_VALUE) {
                done.completeExceptionally(new IOException("short read: fewer than " + blockSize + " bytes"));
            } else {
                done.completeExceptionally(Errors.toException(firstError, "READ", "fd/slot " + fd));
            }
        }
    }

    /** Frees the buffers; call it only when no batch is running. */
    @Override
    public void close() {
        arena.close();
    }
}
