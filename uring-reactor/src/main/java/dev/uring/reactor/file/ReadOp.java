package dev.uring.reactor.file;

import dev.uring.core.Sqe;
import dev.uring.reactor.op.ArenaOp;
import dev.uring.reactor.op.FileHandle;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import org.jspecify.annotations.Nullable;

/**
 * IORING_OP_READ at a position, into a new heap buffer or into the caller's buffer. A direct
 * caller buffer is read into in place; a heap buffer (and a new one) goes through a native bounce
 * buffer in the op's arena, because the kernel needs memory that does not move.
 *
 * @param <T> {@link ByteBuffer} for a new buffer (null at EOF), {@link Integer} for the caller's
 *     (-1 at EOF)
 */
final class ReadOp<T> extends ArenaOp<T> {
    private final FileSlot slot;
    private final long position;
    private final int length;
    private final @Nullable ByteBuffer dst;
    private @Nullable MemorySegment bounce;

    private ReadOp(FileHandle file, FileSlot slot, long position, int length, @Nullable ByteBuffer dst) {
        super(file);
        this.slot = slot;
        this.position = position;
        this.length = length;
        this.dst = dst;
    }

    /** A read of up to {@code length} bytes into a new buffer. */
    static ReadOp<ByteBuffer> intoNew(FileHandle file, FileSlot slot, long position, int length) {
        return new ReadOp<>(file, slot, position, length, null);
    }

    /** A read into {@code dst}'s remaining space. */
    static ReadOp<Integer> into(FileHandle file, FileSlot slot, ByteBuffer dst, long position) {
        return new ReadOp<>(file, slot, position, dst.remaining(), dst);
    }

    @Override
    public void prep(Sqe sqe) {
        ByteBuffer d = dst;
        MemorySegment target;
        if (d != null && d.isDirect()) {
            target = MemorySegment.ofBuffer(d);
        } else {
            target = arena().allocate(length);
            bounce = target;
        }
        int s = slot.here();
        sqe.prepRead(s >= 0 ? s : fd(), target, position);
        FileSlot.flag(sqe, s);
    }

    @Override
    @SuppressWarnings("unchecked")
    public @Nullable T result(int res) {
        ByteBuffer d = dst;
        MemorySegment b = bounce;
        if (d == null) {
            if (res == 0 || b == null) {
                return null;
            }
            ByteBuffer out = ByteBuffer.allocate(res);
            MemorySegment.copy(b, 0, MemorySegment.ofBuffer(out), 0, res);
            return (T) out;
        }
        if (res == 0) {
            return (T) Integer.valueOf(-1);
        }
        if (b != null) {
            MemorySegment.copy(b, 0, MemorySegment.ofBuffer(d), 0, res);
        }
        d.position(d.position() + res);
        return (T) Integer.valueOf(res);
    }

    @Override
    public String name() {
        return "READ";
    }
}
