package dev.uring.nio;

import dev.uring.core.Sqe;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import org.jspecify.annotations.Nullable;

/**
 * WRITE of a buffer's remaining bytes at a position: a direct buffer as is (kept reachable until the
 * CQE), a heap buffer copied into a bounce buffer of the loop's pool first. The result is the number
 * of bytes written; the buffer's position advances by it.
 */
final class WriteOp extends FileOp<Integer> {
    private final ByteBuffer src;
    private final long position;
    private BounceBuffers.@Nullable Bounce bounce;
    private @Nullable MemorySegment source;

    WriteOp(ByteBuffer src, long position, Outcome<Integer> outcome) {
        super(outcome);
        this.src = src;
        this.position = position;
    }

    @Override
    void reserve(BounceBuffers pool) {
        if (src.isDirect()) {
            source = MemorySegment.ofBuffer(src);
        } else {
            int n = src.remaining();
            BounceBuffers.Bounce b = pool.take(n);
            bounce = b;
            MemorySegment s = b.segment().asSlice(0, n);
            MemorySegment.copy(MemorySegment.ofBuffer(src), 0, s, 0, n);
            source = s;
        }
    }

    @Override
    void prep(Sqe sqe, int fd) {
        MemorySegment s = source;
        if (s == null) {
            throw new IllegalStateException("WRITE prepared before its buffer was reserved");
        }
        sqe.prepWrite(fd, s, position);
    }

    @Override
    Integer result(int res) {
        src.position(src.position() + res);
        return res;
    }

    @Override
    void release(BounceBuffers pool) {
        BounceBuffers.Bounce b = bounce;
        if (b != null) {
            bounce = null;
            pool.release(b);
        }
    }

    @Override
    String name() {
        return "WRITE";
    }
}
