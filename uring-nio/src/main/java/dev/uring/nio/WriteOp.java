package dev.uring.nio;

import dev.uring.core.Sqe;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;

/**
 * WRITE of a buffer's remaining bytes at a position ({@link BufferOp}: in place, or from a bounce
 * buffer the bytes are copied into first). The result is the number of bytes written, which may
 * be fewer than remaining (a short write is the caller's to continue, as
 * {@link java.nio.channels.AsynchronousFileChannel#write} allows); the buffer's position advances by it.
 */
final class WriteOp extends BufferOp<Integer> {
    WriteOp(ByteBuffer src, long position, Outcome<Integer> outcome) {
        super(src, position, outcome);
    }

    @Override
    void bounced(MemorySegment bounce) {
        MemorySegment.copy(MemorySegment.ofBuffer(buffer), 0, bounce, 0, bounce.byteSize());
    }

    @Override
    void prep(Sqe sqe, int fd) {
        sqe.prepWrite(fd, segment(), position);
    }

    @Override
    Integer result(int res) {
        advance(res);
        return res;
    }

    @Override
    String name() {
        return "WRITE";
    }
}
