package dev.uring.reactor;

import dev.uring.reactor.op.LoopMemory;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import reactor.core.scheduler.NonBlocking;

/**
 * An event loop's thread. It carries Reactor's {@link NonBlocking} marker, so Reactor refuses
 * {@code block()} on it and BlockHound treats it as a thread that must never block.
 */
final class LoopThread extends Thread implements NonBlocking, LoopMemory.Carrier {
    private @Nullable LoopMemory memory;

    LoopThread(Runnable task, String name) {
        super(task, name);
        setDaemon(true);
    }

    @Override
    public LoopMemory loopMemory() {
        LoopMemory m = memory;
        if (m == null) {
            m = new LoopMemory();
            memory = m;
        }
        return m;
    }

    /** Runs the loop, then frees its ops' memory: every op has had its final CQE (or is leaked with it). */
    @Override
    public void run() {
        try {
            super.run();
        } finally {
            LoopMemory m = memory;
            if (m != null) {
                m.close();
            }
        }
    }

    /** Daemon loop threads named {@code prefix-N}. */
    static ThreadFactory factory(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> new LoopThread(r, prefix + "-" + n.getAndIncrement());
    }
}
