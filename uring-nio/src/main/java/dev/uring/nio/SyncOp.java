package dev.uring.nio;

import dev.uring.core.Sqe;
import org.jspecify.annotations.Nullable;

/** The ops that carry no memory: FSYNC (with or without IORING_FSYNC_DATASYNC) and FTRUNCATE. */
final class SyncOp extends FileOp<@Nullable Void> {
    enum Kind { FSYNC, FDATASYNC, FTRUNCATE }

    private final Kind kind;
    private final long length;

    SyncOp(Kind kind, long length, Outcome<@Nullable Void> outcome) {
        super(outcome);
        this.kind = kind;
        this.length = length;
    }

    @Override
    void prep(Sqe sqe, int fd) {
        switch (kind) {
            case FSYNC -> sqe.prepFsync(fd, false);
            case FDATASYNC -> sqe.prepFsync(fd, true);
            case FTRUNCATE -> sqe.prepFtruncate(fd, length);
        }
    }

    @Override
    @Nullable Void result(int res) {
        return null;
    }

    @Override
    String name() {
        return kind == Kind.FTRUNCATE ? "FTRUNCATE" : "FSYNC";
    }
}
