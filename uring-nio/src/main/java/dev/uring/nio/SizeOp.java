package dev.uring.nio;

import dev.uring.core.AtFlags;
import dev.uring.core.Sqe;
import dev.uring.core.Statx;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.jspecify.annotations.Nullable;

/**
 * STATX of the open file itself (an empty path with AT_EMPTY_PATH on the fd): its size. The statx
 * buffer lives in an arena of the op's own, confined to the loop thread, closed after the CQE.
 */
final class SizeOp extends FileOp<Long> {
    private @Nullable Arena arena;
    private @Nullable MemorySegment buffer;
    private @Nullable MemorySegment emptyPath;

    SizeOp(Outcome<Long> outcome) {
        super(outcome);
    }

    @Override
    void reserve(BounceBuffers pool) {
        Arena a = Arena.ofConfined();
        arena = a;
        buffer = Statx.allocateBuffer(a);
        emptyPath = a.allocateFrom("");
    }

    @Override
    void prep(Sqe sqe, int fd) {
        MemorySegment b = buffer;
        MemorySegment p = emptyPath;
        if (b == null || p == null) {
            throw new IllegalStateException("STATX prepared before its buffer was reserved");
        }
        sqe.prepStatx(fd, p, AtFlags.EMPTY_PATH, Statx.BASIC_STATS, b);
    }

    @Override
    Long result(int res) {
        MemorySegment b = buffer;
        if (b == null) {
            throw new IllegalStateException("STATX completed without a buffer");
        }
        return Statx.read(b).size();
    }

    @Override
    void release(BounceBuffers pool) {
        Arena a = arena;
        if (a != null) {
            arena = null;
            a.close();
        }
    }

    @Override
    String name() {
        return "STATX";
    }
}
