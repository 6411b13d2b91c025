package dev.uring.samples.fileserver;

import dev.uring.core.Statx;
import dev.uring.reactor.Uring;
import dev.uring.reactor.file.ReactiveFiles;
import dev.uring.reactor.spring.UringFileSystemResource;
import java.nio.file.Path;
import java.util.concurrent.ConcurrentHashMap;
import reactor.core.publisher.Mono;

/**
 * The handler's STATX of a path, reused while it is younger than the trust given (opt-in, at most
 * {@link UringFileSystemResource#TRUST_NANOS}, the age the io_uring writer trusts a resource's STATX
 * for): a file served again within that time costs no ring op and no hop to a loop before its body,
 * as nginx's {@code open_file_cache_valid} does for its cache. The price: a file replaced, changed
 * or deleted by someone else is seen up to that long after (and a kept file opened beneath the root
 * keeps being served for that long after a symbolic link was swapped in for its path). The
 * handler's own uploads {@link #forget} their target when they rename over it. At most
 * {@value #CAPACITY} paths; a full table starts again empty rather than tracking use.
 */
final class RecentStats {
    static final int CAPACITY = 4096;

    private record Taken(Statx stat, long at) {
    }

    private final Uring uring;
    private final long trustNanos;
    private final ConcurrentHashMap<Path, Taken> taken = new ConcurrentHashMap<>();

    /** Stats trusted for {@code trustNanos}; 0 takes a STATX every time. */
    RecentStats(Uring uring, long trustNanos) {
        this.uring = uring;
        this.trustNanos = trustNanos;
    }

    /** A STATX of {@code path} (following links) younger than the trust, or a new one. */
    Mono<Statx> stat(Path path) {
        if (trustNanos <= 0) {
            return ReactiveFiles.stat(uring, path); // off: nothing kept, no operator added per request
        }
        Taken t = taken.get(path);
        if (t != null && System.nanoTime() - t.at() < trustNanos) {
            return Mono.just(t.stat());
        }
        return ReactiveFiles.stat(uring, path).doOnNext(s -> remember(path, s));
    }

    private void remember(Path path, Statx s) {
        if (taken.size() >= CAPACITY) {
            taken.clear();
        }
        taken.put(path, new Taken(s, System.nanoTime()));
    }

    /** Drops what is known of {@code path} (it was just replaced here). */
    void forget(Path path) {
        taken.remove(path);
    }
}
