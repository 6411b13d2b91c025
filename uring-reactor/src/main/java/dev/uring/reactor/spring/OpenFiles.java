package dev.uring.reactor.spring;

import dev.uring.core.Statx;
import dev.uring.reactor.Uring;
import dev.uring.reactor.file.ReactiveFile;
import dev.uring.reactor.file.ReactiveFiles;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * Files kept open between responses, so that serving a file again costs no OPENAT and no CLOSE.
 * Every use is checked against a STATX of the path taken for that response (the writer's own, or
 * a fresh one the application took: {@link UringFileSystemResource}): the open file is reused only
 * while the path still names a file on the same device with the same inode, size, modification
 * and status change times. So a file
 * replaced (renamed over, deleted and created again) is opened afresh on the next response, and a
 * file changed in place is read through the same inode, that is, as it is now; a deleted file is
 * dropped and answered as missing. The one window: a file replaced between the STATX and the
 * read of a response is served as it was at the STATX, as without the cache; and a file deleted
 * and created again with the same inode number (file systems reuse them), the same size and the
 * same modification and change times (timestamps are as coarse as the kernel's clock tick on some
 * file systems) is not told apart from the one kept.
 *
 * <p>At most {@code capacity} files are kept; a full cache drops one not used since the last
 * sweep (second chance). An evicted file is closed once the responses reading it are done.
 * {@link #close()} drops them all; afterwards every response opens and closes its own file.
 *
 * <p>A response may bring its own way to open the file (an {@link UringFileSystemResource} confined
 * beneath a directory): a kept file is then reused only if it was opened that way too (beneath the
 * same directory), so a file opened by path never stands in for one that had to be opened confined.
 */
final class OpenFiles implements AutoCloseable {
    private final Uring uring;
    private final int capacity;
    private final Map<Path, Entry> entries = new ConcurrentHashMap<>();
    private volatile boolean closed;

    /** @param capacity files kept open at most; 0 keeps none (each response opens and closes its file) */
    OpenFiles(Uring uring, int capacity) {
        if (capacity < 0) {
            throw new IllegalArgumentException("capacity must not be negative, got " + capacity);
        }
        this.uring = uring;
        this.capacity = capacity;
    }

    /** An open file for one response, of {@code size} bytes; {@link #release()} once the body is written. */
    static final class Lease {
        final ReactiveFile file;
        final long size;
        private final @Nullable Entry entry;

        private Lease(ReactiveFile file, long size, @Nullable Entry entry) {
            this.file = file;
            this.size = size;
            this.entry = entry;
        }

        /** Gives the file back: to the cache, or closes it when it is not (or no longer) kept. */
        void release() {
            if (entry != null) {
                entry.release();
            } else {
                UringDataBuffers.closeQuietly(file);
            }
        }
    }

    /** One kept file; counted references: one for the cache while it holds it, one per lease. */
    private static final class Entry {
        final ReactiveFile file;
        final Statx stat;
        /** How it was opened: null by path, else the opener's origin (the directory it is confined to). */
        final @Nullable Object origin;
        final AtomicInteger refs = new AtomicInteger(1);
        volatile boolean used = true;

        Entry(ReactiveFile file, Statx stat, @Nullable Object origin) {
            this.file = file;
            this.stat = stat;
            this.origin = origin;
        }

        /** A new reference, unless the file is already closed (or closing). */
        boolean acquire() {
            for (int r = refs.get(); r > 0; r = refs.get()) {
                if (refs.compareAndSet(r, r + 1)) {
                    return true;
                }
            }
            return false;
        }

        void release() {
            if (refs.decrementAndGet() == 0) {
                UringDataBuffers.closeQuietly(file);
            }
        }
    }

    /** Same device, inode number, size, modification and status change times. */
    static boolean sameFile(Statx a, Statx b) {
        return a.device() == b.device() && a.inode() == b.inode() && a.size() == b.size()
                && a.lastModified().equals(b.lastModified()) && a.lastChanged().equals(b.lastChanged());
    }

    /** Files kept now (for tests). */
    int size() {
        return entries.size();
    }

    /** Whether {@link #close()} was called. */
    boolean isClosed() {
        return closed;
    }

    /**
     * The file at {@code path}, open, with its size: a kept one when it still matches, else opened
     * (and kept). {@code known} is a STATX of the path taken for this response, or null to take
     * one here.
     */
    Mono<Lease> open(Path path, @Nullable Statx known) {
        return open(path, known, null, null);
    }

    /**
     * {@link #open(Path, Statx)}, opening with {@code opener} (when not null) instead of by path; a
     * kept file is used only when it was opened with the same {@code origin} (null: by path).
     */
    Mono<Lease> open(Path path, @Nullable Statx known, @Nullable Supplier<Mono<ReactiveFile>> opener,
            @Nullable Object origin) {
        Supplier<Mono<ReactiveFile>> how = opener != null ? opener : () -> ReactiveFile.open(uring, path);
        if (capacity == 0 || closed) {
            return openAndStat(how, (file, opened) -> new Lease(file, opened.size(), null));
        }
        if (known != null) {
            return lookUp(path, known, how, origin);
        }
        return ReactiveFiles.stat(uring, path)
                .doOnError(e -> drop(path))
                .flatMap(now -> lookUp(path, now, how, origin));
    }

    private Mono<Lease> lookUp(Path path, Statx now, Supplier<Mono<ReactiveFile>> how, @Nullable Object origin) {
        Entry kept = entries.get(path);
        if (kept != null) {
            if (java.util.Objects.equals(kept.origin, origin) && sameFile(kept.stat, now) && kept.acquire()) {
                kept.used = true;
                return Mono.just(new Lease(kept.file, kept.stat.size(), kept));
            }
            remove(path, kept);
        }
        return openAndStat(how, (file, opened) -> {
            if (!sameFile(opened, now)) {
                // the path named another file by the time of the OPENAT: this response reads
                // the file it opened, at that file's size, and does not keep it
                return new Lease(file, opened.size(), null);
            }
            Entry fresh = new Entry(file, opened, origin);
            fresh.acquire();
            keep(path, fresh);
            return new Lease(file, opened.size(), fresh);
        });
    }

    /**
     * Opens {@code path} and takes a STATX of the new fd, then makes the lease; until a lease holds
     * the file, a cancelled or failed response closes it. A cancel that comes after the lease was
     * handed on (Reactor Netty disposes a finished exchange, and the cancel travels up through
     * operators that already completed) must not: the file may be kept by then, and the lease's
     * holder lets go of it.
     */
    private Mono<Lease> openAndStat(Supplier<Mono<ReactiveFile>> how, BiFunction<ReactiveFile, Statx, Lease> lease) {
        return how.get().flatMap(file -> {
            java.util.concurrent.atomic.AtomicBoolean handedOn = new java.util.concurrent.atomic.AtomicBoolean();
            return file.stat()
                    .doOnCancel(() -> {
                        if (!handedOn.get()) {
                            UringDataBuffers.closeQuietly(file);
                        }
                    })
                    .map(opened -> lease.apply(file, opened))
                    .doOnNext(l -> handedOn.set(true))
                    .doOnError(e -> UringDataBuffers.closeQuietly(file));
        });
    }

    private void keep(Path path, Entry fresh) {
        Entry old = entries.put(path, fresh);
        if (old != null) {
            old.release();
        }
        if (entries.size() > capacity) {
            evictOne(path);
        }
        if (closed) {
            // close() ran meanwhile and may have missed this one
            remove(path, fresh);
        }
    }

    /** Second chance: drops the first file not used since the sweep last passed it. */
    private void evictOne(Path keep) {
        for (int pass = 0; pass < 2; pass++) {
            for (Map.Entry<Path, Entry> e : entries.entrySet()) {
                if (e.getKey().equals(keep)) {
                    continue;
                }
                if (e.getValue().used && pass == 0) {
                    e.getValue().used = false;
                } else if (remove(e.getKey(), e.getValue())) {
                    return;
                }
            }
        }
    }

    private boolean remove(Path path, Entry entry) {
        if (entries.remove(path, entry)) {
            entry.release();
            return true;
        }
        return false;
    }

    private void drop(Path path) {
        Entry kept = entries.get(path);
        if (kept != null) {
            remove(path, kept);
        }
    }

    /** Closes every kept file once the responses reading it are done; later responses open their own. */
    @Override
    public void close() {
        closed = true;
        for (Map.Entry<Path, Entry> e : entries.entrySet()) {
            remove(e.getKey(), e.getValue());
        }
    }
}
