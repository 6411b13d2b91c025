package dev.uring.reactor;

import java.util.concurrent.atomic.LongAdder;

/**
 * Counts the ops (with their buffers) that the kernel holds: taken when an SQE is prepared,
 * given back after the op's final CQE, when its memory is released. Tests read it to prove that
 * a cancelled op keeps its buffers until the kernel lets go, and that nothing leaks. A LongAdder:
 * every op of every loop touches it, and a shared AtomicInteger would bounce one cache line between them.
 */
final class KernelHeld {
    private static final LongAdder HELD = new LongAdder();

    private KernelHeld() {
    }

    static void acquire() {
        HELD.increment();
    }

    static void release() {
        HELD.decrement();
    }

    /** The ops whose memory the kernel may still touch, process-wide. */
    static int count() {
        return HELD.intValue();
    }
}
