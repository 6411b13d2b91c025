package dev.uring.reactor.file;

import dev.uring.core.Opcode;
import dev.uring.core.Sqe;
import dev.uring.core.UringException;
import dev.uring.reactor.op.ArenaOp;
import dev.uring.reactor.op.FileHandle;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import org.jspecify.annotations.Nullable;

/**
 * IORING_OP_WRITE of all of a buffer's remaining bytes at a position, submitting again after a
 * short write until everything is written. A direct buffer is written in place, a heap buffer
 * from a native copy in the op's arena. The buffer's position moves past what was written.
 */
final class WriteOp extends ArenaOp<Integer> {
    private final FileSlot slot;
    private final ByteBuffer src;
    private final long position;
    private final int length;
    private @Nullable MemorySegment data;
    private int written;

    WriteOp(FileHandle file, FileSlot slot, ByteBuffer src, long position) {
        super(file);
        this.slot = slot;
        this.src = src;
        this.position = position;
        this.length = src.remaining();
    }

    @Override
    public void prep(Sqe sqe) {
        MemorySegment d = data;
        if (d == null) {
            if (src.isDirect()) {
                d = MemorySegment.ofBuffer(src);
            } else {
                d = arena().allocate(Math.max(1, length)).asSlice(0, length);
                MemorySegment.copy(MemorySegment.ofBuffer(src), 0, d, 0, length);
            }
            data = d;
        }
        long t = slot.target(fd());
        FileSlot.flag(sqe.prepWrite(FileSlot.file(t), rest(), position + written), t);
    }

    /** What is left to write: the data after what was written. */
    private MemorySegment rest() {
        MemorySegment d = data;
        if (d == null) {
            throw new IllegalStateException("WRITE prepared before its data was chosen");
        }
        return d.asSlice(written);
    }

    @Override
    public boolean again(int res) {
        if (res < 0) {
            return false;
        }
        written += res;
        if (written < length && res == 0) {
            return false;
        }
        return written < length;
    }

    @Override
    public Integer result(int res) {
        if (written < length) {
            throw new java.io.UncheckedIOException(new UringException(5, "WRITE", target(),
                    "WRITE on " + target() + " wrote 0 bytes with " + (length - written) + " left"));
        }
        src.position(src.position() + written);
        return written;
    }

    @Override
    public Opcode opcode() {
        return Opcode.WRITE;
    }
}
