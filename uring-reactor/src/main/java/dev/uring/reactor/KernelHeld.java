package dev.uring.reactor;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts the ops (with their buffers) that the kernel holds: taken when an SQE is prepared,
 * given back after the op's final CQE, when its memory is released. Tests read it to prove that
 * a cancelled op keeps its buffers until the kernel lets go, and that nothing leaks.
 */
final class KernelHeld {
    private static final AtomicInteger HELD = new AtomicInteger();

    private KernelHeld() {
    }

    static void acquire() {
        HELD.incrementAndGet();
    }

    static void release() {
        HELD.decrementAndGet();
    }

    /** The ops whose memory the kernel may still touch, process-wide. */
    static int count() {
        return HELD.get();
    }
}
