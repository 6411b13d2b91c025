package dev.uring.reactor.file;

import dev.uring.core.Sqe;
import dev.uring.core.SqeFlags;
import dev.uring.core.files.FixedFile;
import dev.uring.core.files.FixedFileTable;
import dev.uring.core.loop.EventLoop;
import dev.uring.reactor.op.FileHandle;
import dev.uring.reactor.op.OpRuntime;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;

/**
 * A file's place in its runtime's shared fixed-file table, when the runtime has one
 * ({@code Uring.fixedFiles}): installed (FILES_UPDATE of the fd, then MSG_RING to every ring, all
 * asynchronous) once a second op that can name a slot is made, since a file used once gains
 * nothing from it. Until then, on a ring outside the table (a policy's child runtime), and when
 * no slot could be had, ops use the fd. {@link #clearThen} clears the slot on every ring before
 * the fd is closed.
 */
final class FileSlot {
    /** A file of a runtime without a table: always the fd. */
    static final FileSlot NONE = new FileSlot(null, null);
    private static final VarHandle USES;

    static {
        try {
            USES = MethodHandles.lookup().findVarHandle(FileSlot.class, "uses", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final @Nullable FixedFileTable table;
    private final @Nullable OpRuntime runtime;
    /** The rings of the table by loop index; written before {@link #slot}, whose volatile write publishes it. */
    private EventLoop @Nullable [] loops;
    private volatile int slot = -1;
    /** Ops that could name a slot made so far, counted up to 2 (then it stays at 2 or more). */
    @SuppressWarnings("unused")
    private volatile int uses;
    private final AtomicBoolean started = new AtomicBoolean();
    /** The installed file, or null when none was (not tried, refused); completes once. */
    private final CompletableFuture<@Nullable FixedFile> installed = new CompletableFuture<>();

    private FileSlot(@Nullable FixedFileTable table, @Nullable OpRuntime runtime) {
        this.table = table;
        this.runtime = runtime;
    }

    /** The slot state of a file just opened on {@code rt}: {@link #NONE} unless the runtime has a table. */
    static FileSlot of(OpRuntime rt) {
        FixedFileTable t = rt.fixedFiles();
        return t == null ? NONE : new FileSlot(t, rt);
    }

    /** The bit of a {@link #target} that names a fixed slot. */
    private static final long FIXED = 1L << 32;

    /**
     * How an op on the calling loop names this file: its fixed slot on this loop's ring where it has
     * one there, else {@code fd} (not installed yet, or a ring outside the table). Looked up once,
     * so the SQE's fd field ({@link #file}) and its flag ({@link #flag}) always agree, even while an
     * install completes on another loop. The one place that makes this choice for every op on an
     * open file. A plain value rather than a prep callback: the ops' preps stay direct calls, which
     * the JIT inlines (through one shared callback a read's buffer segment escaped: 72 B per read).
     */
    long target(int fd) {
        int s = here();
        return s >= 0 ? FIXED | s : Integer.toUnsignedLong(fd);
    }

    /** The SQE's fd field for {@code target}: the slot or the fd. */
    static int file(long target) {
        return (int) target;
    }

    /**
     * Sets FIXED_FILE on {@code sqe}, already prepared, when {@code target} names a slot (after the
     * prep: before it, addFlags would or in the flags byte of the SQ slot's previous op).
     */
    static Sqe flag(Sqe sqe, long target) {
        if ((target & FIXED) != 0) {
            sqe.addFlags(SqeFlags.FIXED_FILE);
        }
        return sqe;
    }

    /**
     * The slot to name with FIXED_FILE on the calling loop's ring, or -1 to use the fd: not
     * installed (yet), or a ring that is not in the table. The table propagates eagerly, so the
     * slot is the same on each of its rings. One volatile read and an identity check on a loop.
     */
    private int here() {
        int s = slot;
        if (s < 0) {
            return -1;
        }
        EventLoop[] ls = loops;
        EventLoop cur = EventLoop.current();
        if (cur == null || ls == null) {
            return -1;
        }
        int i = cur.index();
        return i >= 0 && i < ls.length && ls[i] == cur ? s : -1;
    }

    /** The slot in use now on any ring, or -1 (for tests and toString). */
    int slot() {
        return slot;
    }

    /** Counts an op that could name a slot; the second starts the install. Any thread, never blocks. */
    void used(FileHandle file) {
        if (table != null && uses < 2 && (int) USES.getAndAdd(this, 1) == 1) {
            start(file);
        }
    }

    private void start(FileHandle file) {
        FixedFileTable t = table;
        OpRuntime rt = runtime;
        if (t == null || rt == null || !started.compareAndSet(false, true)) {
            return;
        }
        CompletableFuture<FixedFile> f;
        try {
            // a loop of the table (closingLoop is the top runtime's own, never a child's)
            f = t.register(rt.closingLoop(), file.fd());
        } catch (RuntimeException e) {
            // table exhausted or closed, runtime closing: the fd serves
            rt.fixedFileRefused(file.path(), e);
            installed.complete(null);
            return;
        }
        f.whenComplete((ff, e) -> {
            if (e != null || ff == null) {
                rt.fixedFileRefused(file.path(), e == null ? new IllegalStateException("no slot") : e);
                installed.complete(null);
                return;
            }
            EventLoop[] ls = new EventLoop[t.loops().size()];
            for (EventLoop l : t.loops()) {
                if (l.index() >= 0 && l.index() < ls.length) {
                    ls[l.index()] = l;
                }
            }
            loops = ls;
            slot = ff.slot();
            installed.complete(ff);
        });
    }

    /**
     * Once the file is closed and no op holds it: stops any later install, clears the slot on
     * every ring (after an install in flight has finished), then runs {@code closeFd}. Never
     * blocks: the steps chain on the table's futures, which complete on loop threads.
     */
    void clearThen(Runnable closeFd) {
        if (table == null) {
            // NONE, shared by every file of a runtime without a table: nothing to clear
            closeFd.run();
            return;
        }
        if (started.compareAndSet(false, true)) {
            installed.complete(null);
            closeFd.run();
            return;
        }
        installed.whenComplete((ff, e) -> {
            slot = -1;
            if (ff == null) {
                closeFd.run();
                return;
            }
            ff.release();
            // a slot that could not be cleared somewhere is quarantined by the table; the fd closes anyway
            ff.cleared().whenComplete((v, t) -> closeFd.run());
        });
    }
}
