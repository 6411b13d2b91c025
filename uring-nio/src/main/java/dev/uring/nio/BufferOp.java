package dev.uring.nio;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import org.jspecify.annotations.Nullable;

/**
 * A READ or WRITE between a caller's buffer and the file at a position, and the memory the kernel
 * touches for it: a direct buffer's own remaining bytes (the op keeps the buffer reachable until
 * the CQE), or for a heap buffer a bounce buffer of the loop's pool, taken at {@link #reserve} and
 * given back at {@link #release}, after the final CQE. Which way the bytes cross the bounce buffer
 * (before the SQE for a write, after the CQE for a read) is the subclass's.
 */
abstract class BufferOp<V> extends FileOp<V> {
    /** The caller's buffer; its position moves by the bytes transferred. */
    final ByteBuffer buffer;
    final long position;
    private BounceBuffers.@Nullable Bounce bounce;
    private @Nullable MemorySegment segment;

    BufferOp(ByteBuffer buffer, long position, Outcome<V> outcome) {
        super(outcome);
        this.buffer = buffer;
        this.position = position;
    }

    @Override
    final void reserve(BounceBuffers pool) {
        if (buffer.isDirect()) {
            segment = MemorySegment.ofBuffer(buffer);
        } else {
            int n = buffer.remaining();
            BounceBuffers.Bounce b = pool.take(n);
            bounce = b;
            MemorySegment s = b.segment().asSlice(0, n);
            segment = s;
            bounced(s);
        }
    }

    /** Called at {@link #reserve} with a heap buffer's bounce buffer, sized to its remaining bytes. */
    void bounced(MemorySegment bounce) {
    }

    /** Whether the kernel works on a bounce buffer rather than the caller's. */
    final boolean isBounced() {
        return bounce != null;
    }

    /** The memory the kernel reads from or writes into: the caller's buffer or the bounce buffer. */
    final MemorySegment segment() {
        MemorySegment s = segment;
        if (s == null) {
            throw new IllegalStateException(name() + " prepared before its buffer was reserved");
        }
        return s;
    }

    /** Moves the caller's buffer past the {@code n} bytes transferred. */
    final void advance(int n) {
        buffer.position(buffer.position() + n);
    }

    @Override
    final void release(BounceBuffers pool) {
        BounceBuffers.Bounce b = bounce;
        if (b != null) {
            bounce = null;
            pool.release(b);
        }
    }
}
