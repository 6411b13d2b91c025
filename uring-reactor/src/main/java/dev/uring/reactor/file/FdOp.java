package dev.uring.reactor.file;

import dev.uring.core.Opcode;
import dev.uring.core.Sqe;
import dev.uring.reactor.op.ArenaOp;
import dev.uring.reactor.op.FileHandle;
import org.jspecify.annotations.Nullable;

/** The ops on an open file that carry no memory: FSYNC, FTRUNCATE and the final CLOSE. */
final class FdOp extends ArenaOp<Void> {
    enum Kind { FSYNC, FDATASYNC, FTRUNCATE }

    private final FileSlot slot;
    private final Kind kind;
    private final long length;

    FdOp(FileHandle file, FileSlot slot, Kind kind, long length) {
        super(file);
        this.slot = slot;
        this.kind = kind;
        this.length = length;
    }

    @Override
    public void prep(Sqe sqe) {
        long t = slot.target(fd());
        int file = FileSlot.file(t);
        switch (kind) {
            case FSYNC -> sqe.prepFsync(file, false);
            case FDATASYNC -> sqe.prepFsync(file, true);
            case FTRUNCATE -> sqe.prepFtruncate(file, length);
        }
        FileSlot.flag(sqe, t);
    }

    @Override
    public @Nullable Void result(int res) {
        return null;
    }

    @Override
    public Opcode opcode() {
        return kind == Kind.FTRUNCATE ? Opcode.FTRUNCATE : Opcode.FSYNC;
    }

    @Override
    public String name() {
        return kind == Kind.FTRUNCATE ? "FTRUNCATE" : "FSYNC";
    }
}
