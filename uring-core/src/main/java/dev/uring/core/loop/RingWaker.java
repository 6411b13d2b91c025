package dev.uring.core.loop;

import dev.uring.core.Ring;
import dev.uring.core.RingOptions;
import dev.uring.core.SqeFlags;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Wakes one sleeping event loop from any thread by posting a CQE onto its ring with MSG_RING, sent
 * from a small ring of the loop's own. The loop keeps no op armed for this, so a ring whose policy
 * denies every op (READ of an eventfd included) still wakes, and no fd can be read by mistake. The
 * sending ring only ever carries MSG_RING; it is the framework's own and is opened without setup hooks.
 *
 * <p>One per loop, not one per process: wakers of different loops never meet. Its lock is taken by
 * one thread at a time in practice, since the loop's {@code sleeping} flag admits one waker per sleep;
 * two meet only when a waker is slower than a whole wake and sleep of the loop. The loop opens it on
 * its thread and closes it ({@link #close()}) once no waker is inside.
 */
final class RingWaker implements AutoCloseable {
    // a wake is one SQE, submitted at once: a few entries leave room for the CQEs of failed sends
    private static final int ENTRIES = 8;

    private final Ring ring;

    RingWaker() throws IOException {
        // not SINGLE_ISSUER: any thread may wake the loop, one at a time under this object's lock
        ring = Ring.open(RingOptions.defaults().entries(ENTRIES).setupHooks(false));
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

    @Override
    public synchronized void close() {
        ring.close();
    }
}
