package dev.uring.nio;

import dev.uring.core.Sqe;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import org.jspecify.annotations.Nullable;

/**
 * READ into a buffer at a position: a direct buffer is read into as is (the op keeps it reachable
 * until the CQE), a heap buffer through a bounce buffer of the loop's pool, copied into it after the
 * CQE. The result is the number of bytes read, -1 at or past the end of the file; the buffer's
 * position advances by it.
 */
final class ReadOp extends FileOp<Integer> {
    private final ByteBuffer dst;
    private final long position;
    private BounceBuffers.@Nullable Bounce bounce;
    private @Nullable MemorySegment target;

    ReadOp(ByteBuffer dst, long position, Outcome<Integer> outcome) {
        super(outcome);
        this.dst = dst;
        this.position = position;
    }

    @Override
    void reserve(BounceBuffers pool) {
        if (dst.isDirect()) {
            target = MemorySegment.ofBuffer(dst);
        } else {
            int n = dst.remaining();
            BounceBuffers.Bounce b = pool.take(n);
            bounce = b;
            target = b.segment().asSlice(0, n);
        }
    }

    @Override
    void prep(Sqe sqe, int fd) {
        sqe.prepRead(fd, target(), position);
    }

    @Override
    Integer result(int res) {
        if (res == 0) {
            return -1;
        }
        if (bounce != null) {
            MemorySegment.copy(target(), 0, MemorySegment.ofBuffer(dst), 0, res);
        }
        dst.position(dst.position() + res);
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

    private MemorySegment target() {
        MemorySegment t = target;
        if (t == null) {
            throw new IllegalStateException("READ prepared before its buffer was reserved");
        }
        return t;
    }

    @Override
    String name() {
        return "READ";
    }
}
