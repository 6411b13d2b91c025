package dev.uring.nio;

import dev.uring.core.KernelFeature;
import dev.uring.core.Opcode;
import dev.uring.core.RingSetupHook;
import dev.uring.core.loop.EventLoop;
import dev.uring.core.loop.EventLoopGroup;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;

/**
 * The process-wide event loops the channels run on, one group per policy in force where a channel
 * is opened, each loop with its {@link BounceBuffers} and {@link HandlerBatches}. The group for "no policy" is created on a
 * thread that inherits nothing, so it never takes on the policy of whoever opened the first channel;
 * the group for a policy is created by the thread that first opens a channel under it, so its rings
 * carry that policy (core's ring creation path applies the setup hooks). A channel keeps the group it
 * was opened with. The loops are daemon threads that live as long as the JVM, like the JDK's default
 * thread pool for file channels; nothing closes them.
 */
final class Loops {
    private static final Object NO_POLICY = new Object();
    private static final Map<Object, Loops> BY_KEY = new HashMap<>();

    /**
     * Whether a read (of up to 256 KiB) first tries the page cache on the calling thread
     * ({@code -During.nio.readCachedOnCaller=false} sends every read to the ring).
     */
    static final boolean READ_CACHED_ON_CALLER =
            Boolean.parseBoolean(System.getProperty("uring.nio.readCachedOnCaller", "true"));
    private final EventLoopGroup group;
    private final BounceBuffers[] buffers;
    private final HandlerBatches[] handlers;
    /** Whether reads may try the page cache on the caller: asked of the rings' policy once, at start. */
    private boolean readCachedOnCaller;

    private Loops(EventLoopGroup group) {
        this.group = group;
        this.buffers = new BounceBuffers[group.size()];
        this.handlers = new HandlerBatches[group.size()];
        for (int i = 0; i < buffers.length; i++) {
            buffers[i] = new BounceBuffers();
            handlers[i] = new HandlerBatches(group.get(i));
        }
    }

    /**
     * The loops for the policy in force on the calling thread, started on first use.
     *
     * @throws IOException when a ring cannot be created
     */
    static Loops current() throws IOException {
        Object key = RingSetupHook.currentKey();
        synchronized (BY_KEY) {
            Loops l = BY_KEY.get(key == null ? NO_POLICY : key);
            if (l == null) {
                // answered here, off the loops: a probe waits for a scratch ring's completion
                KernelFeature.FTRUNCATE.isAvailable();
                l = new Loops(key == null ? startUnscoped() : start());
                // a policy that refuses or checks READ keeps every read on its rings
                l.readCachedOnCaller = READ_CACHED_ON_CALLER && !LoopCall.mayRestrict(l, Opcode.READ);
                BY_KEY.put(key == null ? NO_POLICY : key, l);
            }
            return l;
        }
    }

    private static int loopCount() {
        Integer configured = Integer.getInteger("uring.nio.loops");
        return Math.max(1, configured != null ? configured : Runtime.getRuntime().availableProcessors());
    }

    private static EventLoopGroup start() throws IOException {
        return EventLoopGroup.create(loopCount(), EventLoop.defaultOptions(256), EventLoopGroup.daemonThreads("uring-nio"));
    }

    /** Starts the group on a thread that inherits no inheritable thread-local (policy) and no scoped value. */
    private static EventLoopGroup startUnscoped() throws IOException {
        EventLoopGroup[] made = new EventLoopGroup[1];
        IOException[] failed = new IOException[1];
        RuntimeException[] broke = new RuntimeException[1];
        Thread init = Thread.ofPlatform().name("uring-nio-init").inheritInheritableThreadLocals(false).unstarted(() -> {
            try {
                made[0] = start();
            } catch (IOException e) {
                failed[0] = e;
            } catch (RuntimeException e) {
                broke[0] = e;
            }
        });
        init.start();
        boolean interrupted = false;
        while (true) {
            try {
                init.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (failed[0] != null) {
            throw failed[0];
        }
        if (broke[0] != null) {
            throw broke[0];
        }
        EventLoopGroup g = made[0];
        if (g == null) {
            throw new UncheckedIOException(new IOException("the io_uring loops of uring-nio failed to start"));
        }
        return g;
    }

    /** Whether a channel of these loops may read cached pages on the calling thread (preadv2 RWF_NOWAIT). */
    boolean readCachedOnCaller() {
        return readCachedOnCaller;
    }

    /** A loop for a new channel or a lone op: the caller's own loop, else the next one round-robin. */
    EventLoop pick() {
        return group.current();
    }

    /** The bounce buffers of {@code loop} (one of this group's); loop thread only. */
    BounceBuffers buffers(EventLoop loop) {
        return buffers[loop.index()];
    }

    /** The handler batches of {@code loop} (one of this group's); loop thread only. */
    HandlerBatches handlers(EventLoop loop) {
        return handlers[loop.index()];
    }

    /** Whether the calling thread is one of these loops (a blocking wait there would stall the loop for good). */
    boolean inLoop() {
        return inLoopThread(Thread.currentThread());
    }

    /** Whether {@code t} is one of these loops' threads. */
    boolean inLoopThread(Thread t) {
        for (EventLoop l : group) {
            if (l.thread() == t) {
                return true;
            }
        }
        return false;
    }

    /** The loops, in index order. */
    EventLoop[] all() {
        return group.loops().toArray(EventLoop[]::new);
    }

    /** How many loops. */
    int size() {
        return group.size();
    }
}
