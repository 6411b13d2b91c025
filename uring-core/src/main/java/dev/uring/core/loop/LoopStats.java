package dev.uring.core.loop;

import dev.uring.core.Opcode;
import dev.uring.core.SubmissionObserver;
import dev.uring.core.ffi.Errno;
import java.util.Arrays;

/**
 * What one {@link EventLoop} has done: ops submitted and completed by opcode, failed completions by
 * errno, submit calls and their SQEs, cross-thread tasks run, time busy and asleep, CQ overflow
 * events, slow ops and stalls. Counting is off until {@link EventLoop#enableStats}; until then
 * every count but {@link #cqOverflowEvents()} reads zero.
 *
 * <p>The loop thread counts in plain fields, without synchronization, so that counting costs a
 * few increments per op; any thread may read them (a metrics registry does), and may see values a
 * moment old. Counts only grow; {@link #inFlight()} is a level.
 */
public final class LoopStats {
    /** Errno values counted one by one; larger ones are counted under {@link #MAX_ERRNO}. */
    public static final int MAX_ERRNO = 255;
    private static final int OPCODES = 256;
    private static final String[] OPCODE_NAMES =
            java.util.Arrays.stream(Opcode.values()).map(Enum::name).toArray(String[]::new);

    private final EventLoop loop;
    // written by the loop thread only
    private final long[] submitted = new long[OPCODES];
    private final long[] completed = new long[OPCODES];
    private final long[] errors = new long[MAX_ERRNO + 1];
    /** The opcode of each pending-op slot, recorded when its SQE is published. */
    private byte[] slotOps = new byte[1024];
    /** When each pending-op slot's SQE was published (the loop pass's time). */
    private long[] slotStarts = new long[1024];
    private long submitCalls;
    private long submittedSqes;
    private long tasks;
    private long busyNanos;
    private long idleNanos;
    private long stalls;
    private long slowOps;
    /** The start of the current loop pass: the last wake-up or the end of the last pass. */
    private long passStart;
    private long slowOpNanos = Long.MAX_VALUE;
    private long stallNanos = Long.MAX_VALUE;
    private volatile boolean enabled;
    private final SubmissionObserver observer = this::published;

    LoopStats(EventLoop loop) {
        this.loop = loop;
    }

    // ------------------------------------------------------------------ loop thread

    /** Starts counting (loop thread). */
    void enable(long slowOpNanos, long stallNanos, long now) {
        this.slowOpNanos = slowOpNanos <= 0 ? Long.MAX_VALUE : slowOpNanos;
        this.stallNanos = stallNanos <= 0 ? Long.MAX_VALUE : stallNanos;
        this.passStart = now;
        this.enabled = true;
    }

    SubmissionObserver observer() {
        return observer;
    }

    private void published(int opcode, long userData) {
        submitted[opcode & 0xFF]++;
        int slot = (int) userData;
        if (slot >= PendingOps.FIRST_FREE) {
            if (slot >= slotOps.length) {
                int cap = Math.max(slot + 1, slotOps.length * 2);
                slotOps = Arrays.copyOf(slotOps, cap);
                slotStarts = Arrays.copyOf(slotStarts, cap);
            }
            slotOps[slot] = (byte) opcode;
            slotStarts[slot] = passStart;
        }
    }

    /** One submitting io_uring_enter consumed {@code sqes} SQEs. */
    void submitted(int sqes) {
        if (sqes > 0) {
            submitCalls++;
            submittedSqes += sqes;
        }
    }

    /** The final CQE of the op in {@code userData}'s slot came with {@code res}, at {@code now}. */
    void completed(long userData, int res, boolean last) {
        int slot = (int) userData;
        int op = slot < slotOps.length ? Byte.toUnsignedInt(slotOps[slot]) : 0;
        if (res < 0) {
            errors[Math.min(-res, MAX_ERRNO)]++;
        }
        if (last) {
            completed[op]++;
            if (slot < slotStarts.length) {
                long took = passStart - slotStarts[slot];
                if (took > slowOpNanos) {
                    slowOps++;
                    SlowOpEvent.commit(loop.index(), opName(op), res, took);
                }
            }
        }
    }

    /** The opcode's name, never throwing (a kernel newer than {@link Opcode} may know more ops). */
    private static String opName(int op) {
        return op < OPCODE_NAMES.length ? OPCODE_NAMES[op] : "opcode " + op;
    }

    void tasksRun(int n) {
        tasks += n;
    }

    /** The loop is about to wait at {@code now}: the pass that ends here was busy time. */
    void passEnded(long now) {
        long pass = now - passStart;
        busyNanos += pass;
        passStart = now;
        if (pass > stallNanos) {
            stalls++;
            LoopStallEvent.commit(loop.index(), pass);
        }
    }

    /** The loop woke at {@code now} from a wait that began at the last {@link #passEnded}. */
    void woke(long now) {
        idleNanos += now - passStart;
        passStart = now;
    }

    // ------------------------------------------------------------------ any thread

    /** Whether {@link EventLoop#enableStats} has taken effect on the loop. */
    public boolean isEnabled() {
        return enabled;
    }

    /** The loop's index in its group. */
    public int loopIndex() {
        return loop.index();
    }

    /**
     * SQEs of {@code op} handed to the kernel. Ops submitted with {@link EventLoop#NO_COMPLETION}
     * (the loop's own cancels, linked timeouts) are counted here but not in {@link #completed}, whose
     * CQEs nobody waits for.
     */
    public long submitted(Opcode op) {
        return submitted[op.code()];
    }

    /** Ops of {@code op} whose final completion arrived (successful or not). */
    public long completed(Opcode op) {
        return completed[op.code()];
    }

    /** SQEs handed to the kernel, every op. */
    public long submittedTotal() {
        return submittedSqes;
    }

    /** Final completions of every op. */
    public long completedTotal() {
        long n = 0;
        for (long c : completed) {
            n += c;
        }
        return n;
    }

    /**
     * Completions (final or not) that failed with {@code errno} (positive, e.g. 2 for ENOENT);
     * errno values above {@link #MAX_ERRNO} are counted together under {@link #MAX_ERRNO}.
     */
    public long errors(int errno) {
        return errno < 0 || errno > MAX_ERRNO ? 0 : errors[errno];
    }

    /** The symbolic name of {@code errno} ({@code ENOENT}), or {@code errno N} when unknown. */
    public static String errnoName(int errno) {
        return Errno.name(errno);
    }

    /** Ops the loop is waiting on now (submitted or about to be, final CQE not yet seen). */
    public int inFlight() {
        return loop.pendingOpsRacy();
    }

    /** io_uring_enter calls that submitted at least one SQE. */
    public long submitCalls() {
        return submitCalls;
    }

    /** Tasks handed over from other threads ({@link EventLoop#execute}) that the loop ran. */
    public long tasks() {
        return tasks;
    }

    /** Time the loop spent working (everything but waiting in io_uring_enter), in nanoseconds. */
    public long busyNanos() {
        return busyNanos;
    }

    /** Time the loop spent asleep in io_uring_enter waiting for completions, in nanoseconds. */
    public long idleNanos() {
        return idleNanos;
    }

    /** Loop passes that ran longer than the stall threshold (each also a {@link LoopStallEvent}). */
    public long stalls() {
        return stalls;
    }

    /** Ops that took longer than the slow-op threshold (each also a {@link SlowOpEvent}). */
    public long slowOps() {
        return slowOps;
    }

    /** Reaps of the loop's ring that found its CQ overflowed; counted even while stats are off. */
    public long cqOverflowEvents() {
        return loop.cqOverflowEventsRacy();
    }

    @Override
    public String toString() {
        return "LoopStats[loop " + loop.index() + ", submitted " + submittedSqes + ", completed " + completedTotal()
                + ", in flight " + inFlight() + "]";
    }
}
