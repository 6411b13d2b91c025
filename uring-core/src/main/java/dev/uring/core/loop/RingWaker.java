package dev.uring.core.loop;

import dev.uring.core.Ring;
import dev.uring.core.RingOptions;
import dev.uring.core.SqeFlags;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Wakes a sleeping event loop from any thread by posting a CQE onto its ring with MSG_RING, sent
 * from one small process-wide ring. The loop itself keeps no op armed for this, so a ring whose
 * policy denies every op (READ of an eventfd included) still wakes, and no fd can be read by
 * mistake. The sending ring only ever carries MSG_RING; it is the framework's own and is opened
 * without setup hooks.
 */
final class RingWaker {
    private static volatile @org.jspecify.annotations.Nullable RingWaker instance;
    private static final int ENTRIES = 64;

    private final Ring ring;

    private RingWaker() {
        try {
            // not SINGLE_ISSUER: any thread may wake a loop, one at a time under this object's lock
            ring = Ring.open(RingOptions.defaults().entries(ENTRIES).setupHooks(false));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the event loops' wake-up ring", e);
        }
    }

    /** The wake-up ring, opened on first use; a failed open is retried by the next caller. */
    static RingWaker instance() {
        RingWaker w = instance;
        if (w == null) {
            synchronized (RingWaker.class) {
                w = instance;
                if (w == null) {
                    w = new RingWaker();
                    instance = w;
                }
            }
        }
        return w;
    }

    /**
     * Posts a CQE with {@code token} as user_data and res 0 on the ring {@code targetRingFd}. The
     * send posts no CQE here on success; failures (a target already closed) are drained and dropped.
     */
    synchronized void wake(int targetRingFd, long token) {
        try {
            ring.reapCqes((userData, res, flags) -> { });
            if (ring.sqSpaceLeft() == 0) {
                ring.submit();
            }
            ring.nextSqe().prepMsgRing(targetRingFd, 0, token, 0).flags(SqeFlags.CQE_SKIP_SUCCESS).userData(0);
            ring.submit();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

}
