package dev.uring.reactor.file;

import dev.uring.core.Sqe;
import dev.uring.core.loop.EventLoop;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import org.jspecify.annotations.Nullable;
import reactor.core.CoreSubscriber;

/**
 * {@link ReactiveFile#read(long, int)}: a READ into a block of the loop's memory pool, copied into
 * a new heap buffer. Same contract as {@code MonoUringOp} over a {@link ReadOp}, with two objects per
 * read besides the buffer (see {@link MonoFileRead}): no arena, the block goes back to the pool after
 * the final CQE.
 */
final class MonoNewRead extends MonoFileRead<ByteBuffer> {
    private final int length;

    MonoNewRead(ReactiveFile file, long position, int length) {
        super(file, position);
        this.length = length;
    }

    @Override
    Read subscription(CoreSubscriber<? super ByteBuffer> actual, EventLoop loop) {
        return new Read(actual, loop, this);
    }

    /** The READ into a pooled block. */
    static final class Read extends MonoFileRead.Read<ByteBuffer> {
        private @Nullable MemorySegment block;

        Read(CoreSubscriber<? super ByteBuffer> actual, EventLoop loop, MonoNewRead source) {
            super(actual, loop, source);
        }

        @Override
        public void prep(Sqe sqe) {
            MemorySegment b = memory().allocate(((MonoNewRead) source).length);
            block = b;
            prepRead(sqe, b);
        }

        @Override
        public @Nullable ByteBuffer result(int res) {
            MemorySegment b = block;
            if (res == 0 || b == null) {
                return null;
            }
            // straight into the array: no segment over the new buffer
            byte[] out = new byte[res];
            MemorySegment.copy(b, ValueLayout.JAVA_BYTE, 0, out, 0, res);
            return ByteBuffer.wrap(out);
        }

        /** The block goes back with the subscription's memory; this lets go of the file. */
        @Override
        public void release() {
            block = null;
            super.release();
        }
    }
}
