package dev.uring.reactor.tcp;

import dev.uring.reactor.net.LentBuffer;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;

/**
 * Bytes that one RECV put into a buffer of the loop's provided buffer ring, lent to the
 * subscriber of {@link Connection#receive()} until {@link #release()}: the buffer then goes back to
 * the kernel, which fills it again. Release every buffer (also on error paths), or the loop's
 * receiving stalls once every buffer is held.
 *
 * <p>{@link #buffer()} is a read-only view of the kernel-filled memory (no copy); it must not be
 * read after {@link #release()}, as the kernel may overwrite it by then. Copy what must live longer.
 * {@link #release()} may be called from any thread; the hand-back happens on the buffer's loop.
 */
public final class ReceivedBuffer {
    private final LentBuffer lent;
    private final MemorySegment data;

    ReceivedBuffer(LentBuffer lent) {
        this.lent = lent;
        this.data = lent.segment();
    }

    /** A read-only view of the received bytes: position 0, limit {@link #length()}; a new view per call. */
    public ByteBuffer buffer() {
        return data.asByteBuffer().asReadOnlyBuffer();
    }

    /** The number of bytes received. */
    public int length() {
        return (int) data.byteSize();
    }

    /**
     * Hands the buffer back to the loop's buffer ring, from any thread; true the first time, false
     * when it was already released (a second release changes nothing).
     */
    public boolean release() {
        return lent.release();
    }

    /** Whether {@link #release()} has been called. */
    public boolean isReleased() {
        return lent.isReleased();
    }

    /** The ring memory holding the bytes (sent in place by {@link Connection#sendReceived}). */
    MemorySegment segment() {
        return data;
    }

    @Override
    public String toString() {
        return "ReceivedBuffer[" + length() + " bytes" + (isReleased() ? ", released" : "") + "]";
    }
}
