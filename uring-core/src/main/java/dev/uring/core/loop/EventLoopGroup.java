package dev.uring.core.loop;

import dev.uring.core.RingOptions;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * N {@link EventLoop}s, one ring each (by default one per available processor), with round-robin
 * or affinity placement. Every loop's ring is created with the setup hooks (policies) of the thread
 * that creates the group. Closing the group closes every loop.
 */
public final class EventLoopGroup implements AutoCloseable, Iterable<EventLoop> {
    private final List<EventLoop> loops;
    /** The loops by index, for {@link #current()}: loop i of a group has index i. */
    private final EventLoop[] byIndex;
    private final AtomicInteger next = new AtomicInteger();

    private EventLoopGroup(List<EventLoop> loops) {
        this.loops = List.copyOf(loops);
        this.byIndex = loops.toArray(new EventLoop[0]);
    }

    /** A group of {@code size} loops with default options (256 entries, SINGLE_ISSUER|DEFER_TASKRUN). */
    public static EventLoopGroup create(int size) throws IOException {
        return create(size, EventLoop.defaultOptions(256), daemonThreads("uring-loop"));
    }

    /** A group of one loop per available processor. */
    public static EventLoopGroup create() throws IOException {
        return create(Runtime.getRuntime().availableProcessors());
    }

    /**
     * A group of {@code size} loops whose rings are opened with {@code options} and whose threads
     * come from {@code threads} (how uring-reactor marks them non-blocking).
     *
     * @throws IOException when a ring cannot be created; the loops already started are closed
     */
    public static EventLoopGroup create(int size, RingOptions options, ThreadFactory threads) throws IOException {
        if (size < 1) {
            throw new IllegalArgumentException("an event loop group needs at least one loop, got " + size);
        }
        RingOptions captured = options.captureSetupHooks();
        List<EventLoop> loops = new ArrayList<>(size);
        try {
            for (int i = 0; i < size; i++) {
                loops.add(EventLoop.start(captured, threads, i, TimeUnit.SECONDS.toNanos(5)));
            }
        } catch (IOException | RuntimeException e) {
            loops.forEach(EventLoop::close);
            throw e;
        }
        return new EventLoopGroup(loops);
    }

    /** A thread factory for daemon threads named {@code prefix-N}. */
    public static ThreadFactory daemonThreads(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.getAndIncrement());
            t.setDaemon(true);
            return t;
        };
    }

    /** The next loop, round-robin. */
    public EventLoop next() {
        return loops.get(Math.floorMod(next.getAndIncrement(), loops.size()));
    }

    /** The loop for {@code key}, the same for the same key (affinity placement). */
    public EventLoop forKey(Object key) {
        return loops.get(Math.floorMod(key.hashCode() * 0x9E3779B9, loops.size()));
    }

    /**
     * The loop of this group whose thread is the calling thread, or {@link #next()} when there is
     * none; O(1), whatever the group's size (the loop thread knows its loop).
     */
    public EventLoop current() {
        EventLoop l = EventLoop.current();
        if (l != null) {
            int i = l.index();
            EventLoop[] all = byIndex;
            if (i >= 0 && i < all.length && all[i] == l) {
                return l;
            }
        }
        return next();
    }

    /** Loop {@code i}. */
    public EventLoop get(int i) {
        return loops.get(i);
    }

    /** The number of loops. */
    public int size() {
        return loops.size();
    }

    /** The loops, in index order. */
    public List<EventLoop> loops() {
        return loops;
    }

    @Override
    public Iterator<EventLoop> iterator() {
        return loops.iterator();
    }

    /**
     * {@link EventLoop#enableStats} on every loop: counting on, slow ops and stalls recorded as JFR
     * events past the given thresholds (zero for none).
     */
    public void enableStats(java.time.Duration slowOp, java.time.Duration stall) {
        loops.forEach(l -> l.enableStats(slowOp, stall));
    }

    /** Closes every loop (each cancels its ops and waits for their final CQEs). */
    @Override
    public void close() {
        loops.forEach(l -> {
            if (!l.isClosing()) {
                l.close();
            }
        });
        loops.forEach(EventLoop::close);
    }
}
