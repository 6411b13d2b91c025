package dev.uring.core;

import static dev.uring.core.RingMapping.INT;

import dev.uring.core.ffi.IoUringConstants;
import dev.uring.core.ffi.IoUringGeteventsArg;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;
import org.jspecify.annotations.Nullable;

/**
 * The submission side of one ring (liburing's queue.c, submit half): claims SQE slots for the
 * {@link Sqe} flyweight, shows each new SQE to the observer and the {@link SubmissionGate}, publishes
 * the SQ tail (release) and enters the kernel. Owning thread only.
 */
final class SubmissionQueue {
    private final RingMapping m;
    private final RingEnter enter;
    private final Sqe sqe;
    private final @Nullable SubmissionGate gate;
    /** The EXT_ARG of timed waits, in the ring's arena: lives as long as the mappings. */
    private final MemorySegment waitArg;
    private int sqeTail;
    private int sqeHeadCache;
    private int filteredTail;
    private @Nullable SubmissionObserver observer;
    private int observedTail;

    SubmissionQueue(RingMapping m, RingEnter enter, Sqe sqe, @Nullable SubmissionGate gate) {
        this.m = m;
        this.enter = enter;
        this.sqe = sqe;
        this.gate = gate;
        this.waitArg = m.arena.allocate(IoUringGeteventsArg.SIZE_WITH_TIMESPEC, 8);
        this.sqeTail = (int) INT.getAcquire(m.sqRing, m.sqTailOff);
        this.sqeHeadCache = (int) INT.getAcquire(m.sqRing, m.sqHeadOff);
        this.filteredTail = sqeTail;
    }

    Sqe next() {
        Sqe s = tryNext();
        if (s == null) {
            throw new IllegalStateException("submission queue full (" + m.sqEntries
                    + " entries): submit() before preparing more");
        }
        return s;
    }

    /** The next SQE, or null when the SQ is full: the kernel's head is read only when the cached one says so. */
    @Nullable Sqe tryNext() {
        m.ensureOpen();
        Sqe s = sqe;
        if (s.unprepared()) {
            // the previous claim's prep threw: reuse its slot rather than submit a zeroed SQE
            // (a NOP with user_data 0, which an event loop would take for its own wake-up read)
            return s.claim(s.slot());
        }
        int tail = sqeTail;
        if (tail - sqeHeadCache >= m.sqEntries) {
            sqeHeadCache = (int) INT.getAcquire(m.sqRing, m.sqHeadOff);
            if (tail - sqeHeadCache >= m.sqEntries) {
                return null;
            }
        }
        sqeTail = tail + 1;
        return s.claim(tail & m.sqMask);
    }

    int spaceLeft() {
        m.ensureOpen();
        sqeHeadCache = (int) INT.getAcquire(m.sqRing, m.sqHeadOff);
        return m.sqEntries - (sqeTail - sqeHeadCache) + (sqe.unprepared() ? 1 : 0);
    }

    int ready() {
        m.ensureOpen();
        return sqeTail - (int) INT.getAcquire(m.sqRing, m.sqHeadOff) - (sqe.unprepared() ? 1 : 0);
    }

    int submit() throws IOException {
        return submit((m.flags & SetupFlags.DEFER_TASKRUN) != 0);
    }

    /** Submits without waiting; {@code getEvents} also runs the deferred completions' task work. */
    int submit(boolean getEvents) throws IOException {
        int toSubmit = publish();
        int flags = enter.baseFlags();
        if (getEvents || m.cqNeedsFlush()) {
            flags |= IoUringConstants.IORING_ENTER_GETEVENTS;
        }
        if ((m.flags & SetupFlags.SQPOLL) != 0) {
            // the tail store must be visible before NEED_WAKEUP is read (the kernel thread sets the flag,
            // fences, then rereads the tail): release/acquire alone lets the load pass the store
            VarHandle.fullFence();
            if ((m.sqFlags() & IoUringConstants.IORING_SQ_NEED_WAKEUP) == 0
                    && (flags & IoUringConstants.IORING_ENTER_GETEVENTS) == 0) {
                return toSubmit;
            }
            flags |= IoUringConstants.IORING_ENTER_SQ_WAKEUP;
        }
        if (toSubmit == 0 && (flags & IoUringConstants.IORING_ENTER_GETEVENTS) == 0) {
            return 0;
        }
        return enter.enter(toSubmit, 0, flags, 0L, 0L);
    }

    int submitAndWait(int waitNr) throws IOException {
        if (waitNr < 0) {
            throw new IllegalArgumentException("waitNr must not be negative, got " + waitNr);
        }
        int toSubmit = publish();
        int flags = enter.baseFlags() | IoUringConstants.IORING_ENTER_GETEVENTS;
        if ((m.flags & SetupFlags.SQPOLL) != 0) {
            flags |= IoUringConstants.IORING_ENTER_SQ_WAKEUP;
        }
        return enter.enter(toSubmit, waitNr, flags, 0L, 0L);
    }

    int submitAndWait(int waitNr, long timeoutNanos) throws IOException {
        if (waitNr < 0 || timeoutNanos < 0) {
            throw new IllegalArgumentException("waitNr and timeoutNanos must not be negative: " + waitNr + ", "
                    + timeoutNanos);
        }
        if ((m.features & IoUringConstants.IORING_FEAT_EXT_ARG) == 0) {
            throw new UnsupportedOperationException("this kernel lacks IORING_FEAT_EXT_ARG (Linux 5.11+) for timed waits");
        }
        int toSubmit = publish();
        IoUringGeteventsArg.setTimeout(waitArg, timeoutNanos);
        int flags = enter.baseFlags() | IoUringConstants.IORING_ENTER_GETEVENTS | IoUringConstants.IORING_ENTER_EXT_ARG;
        if ((m.flags & SetupFlags.SQPOLL) != 0) {
            // a sleeping SQ thread would leave the new SQEs unconsumed for the whole wait
            flags |= IoUringConstants.IORING_ENTER_SQ_WAKEUP;
        }
        return enter.enter(toSubmit, waitNr, flags, waitArg.address(), IoUringGeteventsArg.SIZE);
    }

    /** Shows new SQEs to the observer and the gate, then publishes the SQ tail (release). */
    private int publish() {
        m.ensureOpen();
        if (sqe.unprepared()) {
            sqeTail--;
            sqe.abandon();
        }
        int tail = sqeTail;
        SubmissionObserver o = observer;
        if (o != null) {
            // before the gate: a refused SQE is rewritten, and its op is the one asked for
            for (int t = observedTail; t != tail; t++) {
                int slot = t & m.sqMask;
                o.submitted(sqe.opcodeAt(slot), sqe.userDataAt(slot));
            }
            observedTail = tail;
        }
        SubmissionGate g = gate;
        if (g != null) {
            for (int t = filteredTail; t != tail; t++) {
                g.check(sqe.at(t & m.sqMask));
            }
            filteredTail = tail;
        }
        INT.setRelease(m.sqRing, m.sqTailOff, tail);
        return tail - (int) INT.getAcquire(m.sqRing, m.sqHeadOff);
    }

    void observe(@Nullable SubmissionObserver observer) {
        m.ensureOpen();
        this.observer = observer;
        // from the last published tail (a word only this thread writes): SQEs prepared but not yet
        // published are observed at their publish
        this.observedTail = (int) INT.getAcquire(m.sqRing, m.sqTailOff);
    }
}
