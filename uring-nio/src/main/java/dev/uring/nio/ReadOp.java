package dev.uring.nio;

import dev.uring.core.Sqe;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;

/**
 * READ into a buffer at a position ({@link BufferOp}: in place, or through a bounce buffer copied
 * into the caller's after the CQE). The result is the number of bytes read, -1 at or past the end
 * of the file; the buffer's position advances by it. A READ may finish a read whose first bytes
 * came from the page cache on the caller's thread: those count in its result.
 */
final class ReadOp extends BufferOp<Integer> {
    /** Bytes the caller's thread read into the buffer before this op, for the rest of it. */
    private final int carried;

    ReadOp(ByteBuffer dst, long position, Outcome<Integer> outcome) {
        this(dst, position, outcome, 0);
    }

    ReadOp(ByteBuffer dst, long position, Outcome<Integer> outcome, int carried) {
        super(dst, position, outcome);
        this.carried = carried;
    }

    @Override
    void prep(Sqe sqe, int fd) {
        sqe.prepRead(fd, segment(), position);
    }

    @Override
    Integer result(int res) {
        if (res == 0) {
            return carried > 0 ? carried : -1;
        }
        if (isBounced()) {
            MemorySegment.copy(segment(), 0, MemorySegment.ofBuffer(buffer), 0, res);
        }
        advance(res);
        return carried + res;
    }

    @Override
    String name() {
        return "READ";
    }
}
