package dev.uring.reactor.file;

import dev.uring.core.Opcode;
import dev.uring.core.AtFlags;
import dev.uring.core.Sqe;
import dev.uring.reactor.op.ArenaOp;
import dev.uring.reactor.op.Errnos;
import org.jspecify.annotations.Nullable;

/**
 * The path ops: UNLINKAT (a file, or an empty directory after EISDIR, as Files.delete does),
 * MKDIRAT and RENAMEAT.
 */
final class PathOp extends ArenaOp<Void> {
    enum Kind { DELETE, MKDIR, RENAME }

    /** renameat2's RENAME_NOREPLACE. */
    static final int RENAME_NOREPLACE = 1;

    private final Kind kind;
    private final String path;
    private final @Nullable String newPath;
    private final int flags;
    private boolean removeDir;

    PathOp(Kind kind, String path, @Nullable String newPath, int flags) {
        super(null);
        this.kind = kind;
        this.path = path;
        this.newPath = newPath;
        this.flags = flags;
    }

    @Override
    public void prep(Sqe sqe) {
        switch (kind) {
            case DELETE -> sqe.prepUnlinkat(AtFlags.FDCWD, arena().allocateFrom(path), removeDir ? AtFlags.REMOVEDIR : 0);
            case MKDIR -> sqe.prepMkdirat(AtFlags.FDCWD, arena().allocateFrom(path), flags);
            case RENAME -> sqe.prepRenameat(AtFlags.FDCWD, arena().allocateFrom(path), AtFlags.FDCWD,
                    arena().allocateFrom(newPath == null ? "" : newPath), flags);
        }
    }

    @Override
    public boolean again(int res) {
        if (kind == Kind.DELETE && res == -Errnos.EISDIR && !removeDir) {
            removeDir = true;
            return true;
        }
        return false;
    }

    @Override
    public @Nullable Void result(int res) {
        return null;
    }

    @Override
    public Opcode opcode() {
        return switch (kind) {
            case DELETE -> Opcode.UNLINKAT;
            case MKDIR -> Opcode.MKDIRAT;
            case RENAME -> Opcode.RENAMEAT;
        };
    }

    @Override
    public String name() {
        return switch (kind) {
            case DELETE -> removeDir ? "UNLINKAT(AT_REMOVEDIR)" : "UNLINKAT";
            case MKDIR -> "MKDIRAT";
            case RENAME -> "RENAMEAT";
        };
    }

    @Override
    public String target() {
        return newPath == null ? path : path + " -> " + newPath;
    }
}
