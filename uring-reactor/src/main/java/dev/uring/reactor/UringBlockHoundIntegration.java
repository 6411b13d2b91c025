package dev.uring.reactor;

import reactor.blockhound.BlockHound;
import reactor.blockhound.integration.BlockHoundIntegration;

/**
 * Teaches BlockHound about reactive-uring; found through {@code META-INF/services}. Loop threads
 * are non-blocking. {@code Ring.submitAndWait} is an FFM downcall into a waiting
 * io_uring_enter, invisible to BlockHound's JDK instrumentation, so it is marked blocking, and
 * allowed only inside the event loop's own wait (the one place a loop thread may wait). Ring
 * setup on a starting loop thread and the closing loop's cleanup are allowed too.
 */
public final class UringBlockHoundIntegration implements BlockHoundIntegration {
    private static final String RING = "dev.uring.core.Ring";
    private static final String EVENT_LOOP = "dev.uring.core.loop.EventLoop";

    /** For {@link java.util.ServiceLoader}. */
    public UringBlockHoundIntegration() {
    }

    @Override
    public void applyTo(BlockHound.Builder builder) {
        builder.nonBlockingThreadPredicate(p -> p.or(LoopThread.class::isInstance));
        builder.markAsBlocking(RING, "submitAndWait", "(I)I");
        builder.markAsBlocking(RING, "submitAndWait", "(IJ)I");
        // EventLoop.submitAndWait(Ring) and waitFor(Ring, long) are the loop's own waits
        builder.allowBlockingCallsInside(EVENT_LOOP, "submitAndWait");
        builder.allowBlockingCallsInside(EVENT_LOOP, "waitFor");
        builder.allowBlockingCallsInside(RING, "open");
        // a closing loop spins (Thread.onSpinWait) until no other thread is inside its eventfd wake-up
        builder.allowBlockingCallsInside(EVENT_LOOP, "cleanup");
    }
}
