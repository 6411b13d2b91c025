package dev.uring.core;

import static dev.uring.core.RingMapping.INT;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

import dev.uring.core.ffi.Errno;
import dev.uring.core.ffi.IoUringConstants;
import dev.uring.core.ffi.IoUringCqe;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import org.jspecify.annotations.Nullable;

/**
 * The completion side of one ring (liburing's queue.c, reap half): reads CQEs between the local head
 * and the tail (acquire), hands each to a {@link CqeConsumer}, publishes the head (release, in a
 * {@code finally}), and flushes CQEs the kernel holds back (overflow, deferred task work). A CQE of
 * an SQE the {@link SubmissionGate} refused is dispatched as -EACCES and its record let go of.
 * Owning thread only.
 */
final class CompletionQueue {
    private final RingMapping m;
    private final RingEnter enter;
    private final @Nullable SubmissionGate gate;
    private int cqHeadLocal;
    private long overflowEvents;

    CompletionQueue(RingMapping m, RingEnter enter, @Nullable SubmissionGate gate) {
        this.m = m;
        this.enter = enter;
        this.gate = gate;
        this.cqHeadLocal = (int) INT.getAcquire(m.cqRing, m.cqHeadOff);
    }

    int reap(CqeConsumer consumer) throws IOException {
        m.ensureOpen();
        SubmissionGate g = gate;
        if (g != null) {
            g.reapBegins();
        }
        int total = 0;
        boolean overflowSeen = false;
        while (true) {
            total += drain(consumer);
            int sqFlags = m.sqFlags();
            if ((sqFlags & (IoUringConstants.IORING_SQ_CQ_OVERFLOW | IoUringConstants.IORING_SQ_TASKRUN)) == 0) {
                return total;
            }
            if (!overflowSeen && (sqFlags & IoUringConstants.IORING_SQ_CQ_OVERFLOW) != 0) {
                // one event per reap that found CQEs waiting in the kernel's overflow list
                overflowSeen = true;
                overflowEvents++;
            }
            // overflowed CQEs wait in the kernel until the CQ has room and we ask for them
            enter.enter(0, 0, enter.baseFlags() | IoUringConstants.IORING_ENTER_GETEVENTS, 0L, 0L);
            if (readyRaw() == 0) {
                return total;
            }
        }
    }

    private int drain(CqeConsumer consumer) {
        int head = cqHeadLocal;
        int tail = (int) INT.getAcquire(m.cqRing, m.cqTailOff);
        int n = 0;
        MemorySegment cq = m.cqRing;
        long cqesOff = m.cqesOff;
        int mask = m.cqMask;
        SubmissionGate g = gate;
        try {
            while (head != tail) {
                long off = cqesOff + (long) (head & mask) * IoUringCqe.SIZE;
                // the CQ ring is page aligned: unaligned layouts spare each read an alignment test
                long userData = cq.get(JAVA_LONG_UNALIGNED, off + IoUringCqe.USER_DATA);
                int res = cq.get(JAVA_INT_UNALIGNED, off + IoUringCqe.RES);
                int cqeFlags = cq.get(JAVA_INT_UNALIGNED, off + IoUringCqe.FLAGS);
                head++;
                n++;
                if (g != null && g.awaitsCqes() && g.dispatching(userData)) {
                    // the NOP standing in for a refused SQE: kernels before IORING_NOP_INJECT_RESULT
                    // complete it with -EINVAL (6.1) or 0; it always means -EACCES
                    res = -Errno.EACCES;
                }
                consumer.accept(userData, res, cqeFlags);
            }
        } finally {
            cqHeadLocal = head;
            INT.setRelease(cq, m.cqHeadOff, head);
        }
        return n;
    }

    int ready() {
        m.ensureOpen();
        return readyRaw();
    }

    private int readyRaw() {
        return (int) INT.getAcquire(m.cqRing, m.cqTailOff) - cqHeadLocal;
    }

    int overflowCount() {
        m.ensureOpen();
        return (int) INT.getAcquire(m.cqRing, m.cqOverflowOff);
    }

    long overflowEvents() {
        return overflowEvents;
    }
}
