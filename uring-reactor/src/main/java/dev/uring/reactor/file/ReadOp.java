package dev.uring.reactor.file;

import dev.uring.core.Opcode;
import dev.uring.core.Sqe;
import dev.uring.reactor.op.ArenaOp;
import dev.uring.reactor.op.FileHandle;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import org.jspecify.annotations.Nullable;

/**
 * IORING_OP_READ at a position into the caller's buffer (-1 at EOF). A direct buffer is read into
 * in place; a heap buffer goes through a native bounce buffer of the op's (pooled) arena, because
 * the kernel needs memory that does not move. A read into a new buffer is {@link MonoNewRead}.
 */
final class ReadOp extends ArenaOp<Integer> {
    private final FileSlot slot;
    private final long position;
    private final int length;
    private final ByteBuffer dst;
    private @Nullable MemorySegment bounce;

    private ReadOp(FileHandle file, FileSlot slot, long position, int length, ByteBuffer dst) {
        super(file);
        this.slot = slot;
        this.position = position;
        this.length = length;
        this.dst = dst;
    }

    /** A read into {@code dst}'s remaining space. */
    static ReadOp into(FileHandle file, FileSlot slot, ByteBuffer dst, long position) {
        return new ReadOp(file, slot, position, dst.remaining(), dst);
    }

    @Override
    public void prep(Sqe sqe) {
        ByteBuffer d = dst;
        MemorySegment target;
        if (d.isDirect()) {
            target = MemorySegment.ofBuffer(d);
        } else {
            target = arena().allocate(length);
            bounce = target;
        }
        long t = slot.target(fd());
        FileSlot.flag(sqe.prepRead(FileSlot.file(t), target, position), t);
    }

    @Override
    public Integer result(int res) {
        ByteBuffer d = dst;
        MemorySegment b = bounce;
        if (res == 0) {
            return -1;
        }
        if (b != null) {
            MemorySegment.copy(b, 0, MemorySegment.ofBuffer(d), 0, res);
        }
        d.position(d.position() + res);
        return res;
    }

    @Override
    public Opcode opcode() {
        return Opcode.READ;
    }
}
