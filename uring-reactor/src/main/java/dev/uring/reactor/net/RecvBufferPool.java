package dev.uring.reactor.net;

import dev.uring.core.buffers.ProvidedBufferRing;
import dev.uring.core.loop.EventLoop;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.util.ArrayDeque;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.BooleanSupplier;

/**
 * One loop's provided buffer ring for RECV with buffer select, shared by the loop's connections.
 * It counts the buffers lent to subscribers, and keeps the receivers that found it empty
 * (ENOBUFS) until a buffer comes back, so a dry ring pauses receiving instead of losing data.
 * Loop thread only, but {@link #giveBack} (a {@link LentBuffer#release()}) may come from any thread.
 */
public final class RecvBufferPool {
    private final EventLoop loop;
    private final ProvidedBufferRing ring;
    /** Receivers waiting for a buffer; each says whether it took the chance (armed again). */
    private final ArrayDeque<BooleanSupplier> waiters = new ArrayDeque<>();
    private int lent;

    private RecvBufferPool(EventLoop loop, ProvidedBufferRing ring) {
        this.loop = loop;
        this.ring = ring;
    }

    /** Registers a ring of {@code count} buffers of {@code size} bytes as group {@code group}; loop thread. */
    public static RecvBufferPool register(EventLoop loop, int group, int count, int size) throws IOException {
        return new RecvBufferPool(loop, ProvidedBufferRing.register(loop.ring(), group, count, size));
    }

    public EventLoop loop() {
        return loop;
    }

    public int group() {
        return ring.group();
    }

    /** Buffers the kernel may still pick. */
    public int available() {
        return ring.entries() - lent;
    }

    /** Lends buffer {@code bid}, filled with {@code length} bytes, to {@code owner}'s subscriber. */
    public LentBuffer lend(int bid, int length, Inbound<?> owner) {
        MemorySegment data = ring.take(bid, length);
        lent++;
        return new LentBuffer(this, owner, bid, data);
    }

    /** Hands a buffer the kernel filled but nobody will read (an empty RECV) straight back. */
    public void recycleUnread(int bid) {
        ring.take(bid, 0);
        ring.recycle(bid);
    }

    /** Hands {@code buffer} back; from any thread (the ring itself is touched on the loop only). */
    void giveBack(LentBuffer buffer) {
        if (loop.inEventLoop()) {
            recycle(buffer);
        } else {
            try {
                loop.execute(() -> recycle(buffer));
            } catch (RejectedExecutionException e) {
                // the loop is gone and the ring with it: nothing to hand back to
            }
        }
    }

    private void recycle(LentBuffer buffer) {
        ring.recycle(buffer.bid());
        lent--;
        buffer.owner().returned();
        while (!waiters.isEmpty()) {
            if (waiters.poll().getAsBoolean()) {
                break;
            }
        }
    }

    /** Calls {@code waiter} when a buffer comes back, until it returns true (it armed a RECV). */
    public void await(BooleanSupplier waiter) {
        waiters.add(waiter);
    }

    /** Frees the ring; after the loop ended (its ring is gone) or on the loop. */
    public void close() {
        try {
            ring.close();
        } catch (IOException e) {
            // unregistering from a closing ring: the memory is freed all the same
        }
    }
}
