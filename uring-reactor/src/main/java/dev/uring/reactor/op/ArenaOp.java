package dev.uring.reactor.op;

import java.lang.foreign.Arena;
import org.jspecify.annotations.Nullable;

/**
 * Base of the ops whose kernel-visible memory lives in one {@link Arena}, leased from the loop's
 * {@link LoopMemory} at the first prep (loop thread) and closed by {@link #release()} after the
 * final CQE, which gives its blocks back to the pool; a {@link FileHandle} reference, when the op
 * has one, is let go at the same time.
 *
 * @param <T> the value
 */
public abstract class ArenaOp<T> implements UringOperation<T> {
    private final @Nullable FileHandle file;
    private @Nullable Arena arena;

    /** An op on {@code file} (a reference is taken now), or on paths only when null. */
    public ArenaOp(@Nullable FileHandle file) {
        this.file = file;
        if (file != null) {
            file.acquire();
        }
    }

    /** The op's arena, leased on first use (loop thread). */
    public final Arena arena() {
        Arena a = arena;
        if (a == null) {
            a = LoopMemory.lease();
            arena = a;
        }
        return a;
    }

    /** The fd of the op's file. */
    public final int fd() {
        FileHandle f = file;
        if (f == null) {
            throw new IllegalStateException(name() + " has no file");
        }
        return f.fd();
    }

    @Override
    public @Nullable String target() {
        FileHandle f = file;
        return f == null ? null : f.path();
    }

    @Override
    public final void release() {
        Arena a = arena;
        if (a != null) {
            arena = null;
            a.close();
        }
        FileHandle f = file;
        if (f != null) {
            f.release();
        }
    }
}
