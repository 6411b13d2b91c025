package dev.uring.reactor.file;

import dev.uring.core.Opcode;
import dev.uring.core.AtFlags;
import dev.uring.core.OpenHow;
import dev.uring.core.Sqe;
import dev.uring.core.loop.EventLoop;
import dev.uring.reactor.op.ArenaOp;
import dev.uring.reactor.op.FileHandle;
import org.jspecify.annotations.Nullable;

/**
 * IORING_OP_OPENAT into a regular fd, or IORING_OP_OPENAT2 relative to a directory with RESOLVE_*
 * flags; a cancelled open that still produced an fd closes it.
 */
final class OpenOp extends ArenaOp<FileHandle> {
    private final String path;
    private final String shownPath;
    private final int flags;
    private final int mode;
    private final long resolve;
    private final boolean relative;

    OpenOp(String path, int flags, int mode) {
        super(null);
        this.path = path;
        this.shownPath = path;
        this.flags = flags;
        this.mode = mode;
        this.resolve = 0;
        this.relative = false;
    }

    /** OPENAT2 of {@code path} relative to {@code dir} (a reference is held until the final CQE). */
    OpenOp(FileHandle dir, String path, int flags, int mode, long resolve) {
        super(dir);
        this.path = path;
        this.shownPath = dir.path() + "/" + path;
        this.flags = flags;
        this.mode = mode;
        this.resolve = resolve;
        this.relative = true;
    }

    @Override
    public void prep(Sqe sqe) {
        if (relative) {
            sqe.prepOpenat2(fd(), arena().allocateFrom(path), OpenHow.allocate(arena(), flags, mode, resolve));
        } else {
            sqe.prepOpenat(AtFlags.FDCWD, arena().allocateFrom(path), flags, mode);
        }
    }

    @Override
    public FileHandle result(int res) {
        return new FileHandle(res, shownPath, FileClosedException::new);
    }

    @Override
    public void discard(int res, EventLoop loop) {
        loop.nextSqe().prepClose(res).userData(EventLoop.NO_COMPLETION);
    }

    @Override
    public Opcode opcode() {
        return relative ? Opcode.OPENAT2 : Opcode.OPENAT;
    }

    @Override
    public String name() {
        return relative ? "OPENAT2" : "OPENAT";
    }

    @Override
    public @Nullable String target() {
        return shownPath;
    }
}
