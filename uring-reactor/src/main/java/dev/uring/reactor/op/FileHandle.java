package dev.uring.reactor.op;

import java.nio.channels.ClosedChannelException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * A regular fd shared by a file's ops. Every op holds a reference from subscription to its final
 * CQE, so the fd number is never closed (and reused by another open) under an op that still
 * names it: close marks the handle closed, and the CLOSE itself goes out when the last
 * reference is let go.
 */
public final class FileHandle {
    // set in refs once closed: an acquire is one getAndIncrement (no CAS retry loop, which two
    // loops reading one file would make spin against each other) that sees the close as well
    private static final int CLOSED = 1 << 30;
    private final int fd;
    private final String path;
    private final Function<String, ? extends ClosedChannelException> closedError;
    private final AtomicInteger refs = new AtomicInteger(1);
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicReference<@Nullable Runnable> onDrained = new AtomicReference<>();

    /**
     * A handle of {@code fd}, named {@code path} in messages; {@code closedError} makes the error of an
     * op refused once it is closed (a file's or a socket's, which this package does not know).
     */
    public FileHandle(int fd, String path, Function<String, ? extends ClosedChannelException> closedError) {
        this.fd = fd;
        this.path = path;
        this.closedError = closedError;
    }

    public int fd() {
        return fd;
    }

    public String path() {
        return path;
    }

    public boolean isOpen() {
        return !closed.get();
    }

    /**
     * Takes a reference for one op.
     *
     * @throws RuntimeException wrapping (Reactor's Exceptions.propagate) the handle's closed error
     *     when the file is closed or closing; the op publishers unwrap it
     */
    public void acquire() {
        if ((refs.getAndIncrement() & CLOSED) != 0) {
            release();
            throw reactor.core.Exceptions.propagate(closedError.apply(path));
        }
    }

    public void release() {
        if (refs.decrementAndGet() == CLOSED) {
            // drained after close; a refused acquire may reach CLOSED again later, hence getAndSet
            Runnable r = onDrained.getAndSet(null);
            if (r != null) {
                r.run();
            }
        }
    }

    /**
     * Marks the handle closed and runs {@code closeFd} once no op holds it any more (at once when
     * idle); false when it was already closed.
     */
    public boolean close(Runnable closeFd) {
        if (!closed.compareAndSet(false, true)) {
            return false;
        }
        onDrained.set(closeFd);
        refs.getAndAdd(CLOSED);
        release();
        return true;
    }
}
