package dev.uring.reactor;

import dev.uring.core.AtFlags;
import dev.uring.core.Sqe;
import dev.uring.core.loop.EventLoop;

/** IORING_OP_OPENAT into a regular fd; a cancelled open that still produced an fd closes it. */
final class OpenOp extends ArenaOp<FileHandle> {
    private final String path;
    private final int flags;
    private final int mode;

    OpenOp(String path, int flags, int mode) {
        super(null);
        this.path = path;
        this.flags = flags;
        this.mode = mode;
    }

    @Override
    public void prep(Sqe sqe) {
        sqe.prepOpenat(AtFlags.FDCWD, arena().allocateFrom(path), flags, mode);
    }

    @Override
    public FileHandle result(int res) {
        return new FileHandle(res, path);
    }

    @Override
    public void discard(int res, EventLoop loop) {
        loop.nextSqe().prepClose(res).userData(EventLoop.NO_COMPLETION);
    }

    @Override
    public String name() {
        return "OPENAT";
    }

    @Override
    public String target() {
        return path;
    }
}
