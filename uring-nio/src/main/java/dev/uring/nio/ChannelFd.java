package dev.uring.nio;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;

/**
 * A channel's fd and the count of what uses it. Every op holds a reference from before it is handed
 * to a loop until its final CQE (a syscall fallback, for the length of the call), so the fd number is
 * never closed, and reused by another open, under an op that still names it: {@link #close} marks it
 * closed and the close itself runs when the last reference is let go.
 */
final class ChannelFd {
    /** Set in {@link #refs} once closed: an acquire is one getAndIncrement that also sees the close. */
    private static final int CLOSED = 1 << 30;
    private final int fd;
    private final AtomicInteger refs = new AtomicInteger(1);
    private final AtomicReference<@Nullable Runnable> onDrained = new AtomicReference<>();

    ChannelFd(int fd) {
        this.fd = fd;
    }

    int fd() {
        return fd;
    }

    /** Takes a reference; false (and nothing taken) once the channel is closed. */
    boolean acquire() {
        if ((refs.getAndIncrement() & CLOSED) != 0) {
            release();
            return false;
        }
        return true;
    }

    void release() {
        if (refs.decrementAndGet() == CLOSED) {
            // drained after close; a refused acquire may reach CLOSED again later, hence getAndSet
            Runnable r = onDrained.getAndSet(null);
            if (r != null) {
                r.run();
            }
        }
    }

    /** Whether {@link #close} has run. */
    boolean isClosed() {
        return (refs.get() & CLOSED) != 0;
    }

    /**
     * Marks the fd closed and runs {@code closeFd} once nothing holds it (at once when idle, on the
     * calling thread; else on the thread that lets go last); false when it was closed already.
     */
    boolean close(Runnable closeFd) {
        while (true) {
            int r = refs.get();
            if ((r & CLOSED) != 0) {
                return false;
            }
            onDrained.set(closeFd);
            if (refs.compareAndSet(r, r | CLOSED)) {
                break;
            }
        }
        release();
        return true;
    }
}
