package dev.uring.reactor;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import reactor.core.scheduler.NonBlocking;

/**
 * An event loop's thread. It carries Reactor's {@link NonBlocking} marker, so Reactor refuses
 * {@code block()} on it and BlockHound treats it as a thread that must never block.
 */
final class LoopThread extends Thread implements NonBlocking {
    LoopThread(Runnable task, String name) {
        super(task, name);
        setDaemon(true);
    }

    /** Daemon loop threads named {@code prefix-N}. */
    static ThreadFactory factory(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> new LoopThread(r, prefix + "-" + n.getAndIncrement());
    }
}
