package dev.uring.reactor.op;

import dev.uring.core.KernelFeature;
import dev.uring.core.Sqe;
import dev.uring.core.TimeoutFlags;
import dev.uring.core.Timespec;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * A multishot IORING_OP_TIMEOUT: one CQE (res -ETIME, F_MORE) per period, counted as ticks; on kernels
 * before 6.4 a one-shot TIMEOUT armed again after each tick.
 */
public final class TicksOp implements MultishotOperation<Long> {
    private static final boolean MULTISHOT = KernelFeature.MULTISHOT_TIMEOUT.isAvailable();
    private final long nanos;
    private @Nullable Arena arena;
    private @Nullable MemorySegment ts;
    private long tick;

    public TicksOp(long nanos) {
        this.nanos = nanos;
    }

    @Override
    public void prep(Sqe sqe) {
        MemorySegment t = ts;
        if (t == null) {
            Arena a = LoopMemory.lease();
            arena = a;
            t = Timespec.allocate(a, Duration.ofNanos(nanos));
            ts = t;
        }
        // count 0 with MULTISHOT: repeat until cancelled. Before 6.4 (no MULTISHOT) the TIMEOUT fires
        // once, and the multishot engine arms it again after its final CQE while there is demand.
        sqe.prepTimeout(t, 0, MULTISHOT ? TimeoutFlags.MULTISHOT | TimeoutFlags.ETIME_SUCCESS : TimeoutFlags.ETIME_SUCCESS);
    }

    @Override
    public Long item(int res, int flags) {
        return tick++;
    }

    @Override
    public boolean isSuccess(int res) {
        return res >= 0 || res == -Errnos.ETIME;
    }

    @Override
    public String name() {
        return "TIMEOUT";
    }

    @Override
    public void release() {
        Arena a = arena;
        if (a != null) {
            a.close();
            arena = null;
            ts = null;
        }
    }
}
