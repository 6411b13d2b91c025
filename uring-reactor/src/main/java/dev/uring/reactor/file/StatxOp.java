package dev.uring.reactor.file;

import dev.uring.core.Opcode;
import dev.uring.core.AtFlags;
import dev.uring.core.Sqe;
import dev.uring.core.Statx;
import dev.uring.reactor.op.ArenaOp;
import dev.uring.reactor.op.FileHandle;
import java.lang.foreign.MemorySegment;
import org.jspecify.annotations.Nullable;

/** IORING_OP_STATX of a path, or of an open file (empty path, AT_EMPTY_PATH). */
final class StatxOp extends ArenaOp<Statx> {
    private final @Nullable String path;
    private @Nullable MemorySegment buf;

    /** Statx of an open file. */
    StatxOp(FileHandle file) {
        super(file);
        this.path = null;
    }

    /** Statx of a path, following symlinks. */
    StatxOp(String path) {
        super(null);
        this.path = path;
    }

    @Override
    public void prep(Sqe sqe) {
        MemorySegment b = Statx.allocateBuffer(arena());
        buf = b;
        String p = path;
        if (p == null) {
            sqe.prepStatx(fd(), arena().allocateFrom(""), AtFlags.EMPTY_PATH, Statx.BASIC_STATS, b);
        } else {
            sqe.prepStatx(AtFlags.FDCWD, arena().allocateFrom(p), 0, Statx.BASIC_STATS, b);
        }
    }

    @Override
    public Statx result(int res) {
        MemorySegment b = buf;
        if (b == null) {
            throw new IllegalStateException("STATX completed without a buffer");
        }
        return Statx.read(b);
    }

    @Override
    public Opcode opcode() {
        return Opcode.STATX;
    }

    @Override
    public @Nullable String target() {
        return path != null ? path : super.target();
    }
}
