package dev.uring.nio;

import dev.uring.core.Sqe;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;

/**
 * READ into a buffer at a position ({@link BufferOp}: in place, or through a bounce buffer copied
 * into the caller's after the CQE). The result is the number of bytes read, -1 at or past the end
 * of the file; the buffer's position advances by it.
 */
final class ReadOp extends BufferOp<Integer> {
    ReadOp(ByteBuffer dst, long position, Outcome<Integer> outcome) {
        super(dst, position, outcome);
    }

    @Override
    void prep(Sqe sqe, int fd) {
        sqe.prepRead(fd, segment(), position);
    }

    @Override
    Integer result(int res) {
        if (res == 0) {
            return -1;
        }
        if (isBounced()) {
            MemorySegment.copy(segment(), 0, MemorySegment.ofBuffer(buffer), 0, res);
        }
        advance(res);
        return res;
    }

    @Override
    String name() {
        return "READ";
    }
}
