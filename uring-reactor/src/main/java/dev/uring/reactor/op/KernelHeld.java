package dev.uring.reactor.op;

import java.util.concurrent.atomic.LongAdder;

/**
 * Counts the ops (with their buffers) that the kernel holds: taken when an SQE is prepared,
 * given back after the op's final CQE, when its memory is released. Tests read it to prove that
 * a cancelled op keeps its buffers until the kernel lets go, and that nothing leaks. A LongAdder:
 * every op of every loop touches it, and a shared AtomicInteger would bounce one cache line between them.
 */
public final class KernelHeld {
    private static final LongAdder HELD = new LongAdder();

    private KernelHeld() {
    }

    public static void acquire() {
        HELD.increment();
    }

    public static void release() {
        HELD.decrement();
    }

    /** Takes ({@code n > 0}) or gives back ({@code n < 0}) {@code |n|} at once: a stream's reads of one loop pass. */
    public static void add(int n) {
        HELD.add(n);
    }

    /** The ops whose memory the kernel may still touch, process-wide. */
    public static int count() {
        return HELD.intValue();
    }
}
