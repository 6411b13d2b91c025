package dev.uring.core.files;

import dev.uring.core.loop.EventLoop;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One open file in a {@link FixedFileTable}: the same fixed slot on every ring of the table.
 * Reference counted: the handle starts with one reference; {@link #retain()} adds one,
 * {@link #release()} drops one. When the last one goes, the slot is cleared on every ring and the
 * kernel closes the file once the last ring lets go of it; the slot is reused only after every
 * ring has confirmed the clear. An op that names the slot must hold a reference from its SQE until
 * its final CQE, so that no clear (and no reuse) can overtake it.
 */
public final class FixedFile implements AutoCloseable {
    private final FixedFileTable table;
    private final int slot;
    private final FixedFileTable.Member origin;
    private final AtomicInteger refs = new AtomicInteger(1);
    private final CompletableFuture<Void> cleared = new CompletableFuture<>();
    /** Per member index: the install on that ring; a successfully completed future means installed. */
    private final ConcurrentHashMap<Integer, CompletableFuture<Integer>> installs = new ConcurrentHashMap<>();
    private boolean retiring;
    private volatile boolean tableClosed;

    FixedFile(FixedFileTable table, int slot, FixedFileTable.Member origin) {
        this.table = table;
        this.slot = slot;
        this.origin = origin;
    }

    /** The fixed slot, the same on every ring of the table. */
    public int slot() {
        return slot;
    }

    /** The table this file belongs to. */
    public FixedFileTable table() {
        return table;
    }

    /**
     * The slot to use with {@code IOSQE_FIXED_FILE} on {@code loop}'s ring.
     *
     * @throws IllegalArgumentException when {@code loop} is not a ring of this table
     * @throws IllegalStateException when the file was released (use after close), or is not yet
     *     installed on that ring (lazy propagation: call {@link #on(EventLoop)} first)
     */
    public int slot(EventLoop loop) {
        FixedFileTable.Member m = table.member(loop);
        checkOpen();
        CompletableFuture<Integer> f = installs.get(m.index);
        if (f == null || !f.isDone() || f.isCompletedExceptionally()) {
            throw new IllegalStateException("fixed file in slot " + slot + " is not installed on " + loop
                    + " yet (lazy propagation): call on(loop) and wait for it");
        }
        return slot;
    }

    /**
     * The slot, once the file is installed on {@code loop}'s ring: at once when it already is,
     * otherwise after a MSG_RING SEND_FD from the ring that opened it (lazy propagation). The
     * future completes on a loop thread; never block a loop thread on it.
     *
     * @throws IllegalArgumentException when {@code loop} is not a ring of this table
     * @throws IllegalStateException when the file was released (use after close)
     */
    public CompletableFuture<Integer> on(EventLoop loop) {
        FixedFileTable.Member m = table.member(loop);
        CompletableFuture<Integer> fresh;
        synchronized (this) {
            checkOpen();
            if (retiring) {
                throw new IllegalStateException("fixed file in slot " + slot + " is being closed");
            }
            CompletableFuture<Integer> existing = installs.get(m.index);
            if (existing != null && !existing.isCompletedExceptionally()) {
                return existing;
            }
            fresh = new CompletableFuture<>();
            installs.put(m.index, fresh);
        }
        table.installOn(this, m, fresh);
        return fresh;
    }

    /**
     * Adds a reference; release it with {@link #release()}.
     *
     * @return this
     * @throws IllegalStateException when the last reference is already gone (use after close)
     */
    public FixedFile retain() {
        if (!tryRetain()) {
            throw new IllegalStateException("fixed file in slot " + slot + " was already closed: cannot retain it");
        }
        return this;
    }

    boolean tryRetain() {
        while (true) {
            int n = refs.get();
            if (n <= 0 || tableClosed) {
                return false;
            }
            if (refs.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }

    /**
     * Drops a reference; the last one clears the slot on every ring (asynchronously).
     *
     * @throws IllegalStateException when every reference was already released (double release)
     */
    public void release() {
        while (true) {
            int n = refs.get();
            if (n <= 0) {
                if (tableClosed) {
                    return;
                }
                throw new IllegalStateException("fixed file in slot " + slot
                        + " released more often than retained (double release)");
            }
            if (refs.compareAndSet(n, n - 1)) {
                if (n == 1 && !tableClosed) {
                    table.retire(this);
                }
                return;
            }
        }
    }

    /**
     * Completes once the last reference is gone and every ring has cleared the slot (the file is
     * then closed everywhere and the slot free for reuse); fails with an {@link IllegalStateException}
     * naming the ring when one could not clear it (the slot is then quarantined, never reused).
     * Completes on a loop thread.
     */
    public CompletableFuture<Void> cleared() {
        return cleared.copy();
    }

    void markCleared(@org.jspecify.annotations.Nullable String failure) {
        if (failure == null) {
            cleared.complete(null);
        } else {
            cleared.completeExceptionally(new IllegalStateException("slot " + slot + " could not be cleared on "
                    + failure + "; it is quarantined"));
        }
    }

    /** Same as {@link #release()}: closing twice is a double release and throws. */
    @Override
    public void close() {
        release();
    }

    /** Whether a reference is still held (and the table is open). */
    public boolean isOpen() {
        return refs.get() > 0 && !tableClosed;
    }

    /** The current reference count. */
    public int refCount() {
        return Math.max(0, refs.get());
    }

    private void checkOpen() {
        if (tableClosed) {
            throw new IllegalStateException("fixed file in slot " + slot + " is unusable: its table was closed");
        }
        if (refs.get() <= 0) {
            throw new IllegalStateException("fixed file in slot " + slot + " was closed (use after close)");
        }
    }

    // ------------------------------------------------------------------ table side

    FixedFileTable.Member origin() {
        return origin;
    }

    boolean installedOn(FixedFileTable.Member m) {
        CompletableFuture<Integer> f = installs.get(m.index);
        return f != null && f.isDone() && !f.isCompletedExceptionally();
    }

    void markInstalled(FixedFileTable.Member m) {
        installs.put(m.index, CompletableFuture.completedFuture(slot));
    }

    void forgetInstall(FixedFileTable.Member m, CompletableFuture<Integer> f) {
        installs.remove(m.index, f);
    }

    /** Stops new lazy installs and returns those still in flight, which the clear must wait for. */
    synchronized List<CompletableFuture<Integer>> beginRetire() {
        retiring = true;
        List<CompletableFuture<Integer>> pending = new ArrayList<>();
        for (CompletableFuture<Integer> f : installs.values()) {
            if (!f.isDone()) {
                pending.add(f);
            }
        }
        return pending;
    }

    void tableClosed() {
        tableClosed = true;
    }

    @Override
    public String toString() {
        return "FixedFile[slot=" + slot + ", refs=" + refCount() + "]";
    }
}
