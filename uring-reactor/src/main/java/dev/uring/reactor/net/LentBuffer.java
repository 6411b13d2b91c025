package dev.uring.reactor.net;

import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

/**
 * One buffer of a loop's provided buffer ring, filled by a receive and lent out until
 * {@link #release()} gives it back to the kernel (once, from any thread). The public items
 * ({@code ReceivedBuffer}, {@code Datagram}) wrap one.
 */
public final class LentBuffer {
    private static final AtomicIntegerFieldUpdater<LentBuffer> RELEASED =
            AtomicIntegerFieldUpdater.newUpdater(LentBuffer.class, "released");

    private final RecvBufferPool pool;
    private final Inbound<?> owner;
    private final int bid;
    private final MemorySegment data;
    private volatile int released;

    LentBuffer(RecvBufferPool pool, Inbound<?> owner, int bid, MemorySegment data) {
        this.pool = pool;
        this.owner = owner;
        this.bid = bid;
        this.data = data;
    }

    /** The ring memory holding the received bytes; not to be read after {@link #release()}. */
    public MemorySegment segment() {
        return data;
    }

    /** Hands the buffer back to the ring; true the first time, false after. */
    public boolean release() {
        if (RELEASED.compareAndSet(this, 0, 1)) {
            pool.giveBack(this);
            return true;
        }
        return false;
    }

    /** Whether {@link #release()} has been called. */
    public boolean isReleased() {
        return released != 0;
    }

    int bid() {
        return bid;
    }

    Inbound<?> owner() {
        return owner;
    }
}
