package dev.uring.reactor.op;

import dev.uring.core.Opcode;
import dev.uring.core.Sqe;
import dev.uring.core.TimeoutFlags;
import dev.uring.core.Timespec;
import dev.uring.core.loop.EventLoop;
import java.lang.foreign.Arena;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/** IORING_OP_TIMEOUT as a one-shot timer (ETIME_SUCCESS: expiry completes with 0). */
public final class TimeoutOp implements UringOperation<Long> {
    private final long nanos;
    private @Nullable Arena arena;

    public TimeoutOp(long nanos) {
        this.nanos = nanos;
    }

    /** A timer of {@code nanos} on {@code loop} (idle timeouts, accept back-off, pinned scheduler workers). */
    public static Mono<Long> on(OpRuntime rt, EventLoop loop, long nanos) {
        return new MonoUringOp<>(rt, loop, () -> new TimeoutOp(nanos), 0);
    }

    @Override
    public void prep(Sqe sqe) {
        // the kernel copies the timespec at prep time, but it lives with the op all the same
        Arena a = LoopMemory.lease();
        arena = a;
        sqe.prepTimeout(Timespec.allocate(a, java.time.Duration.ofNanos(nanos)), 0, TimeoutFlags.ETIME_SUCCESS);
    }

    @Override
    public Long result(int res) {
        return 0L;
    }

    @Override
    public boolean isSuccess(int res) {
        return res >= 0 || res == -Errnos.ETIME;
    }

    @Override
    public Opcode opcode() {
        return Opcode.TIMEOUT;
    }

    @Override
    public @Nullable String target() {
        return null;
    }

    @Override
    public void release() {
        Arena a = arena;
        if (a != null) {
            a.close();
            arena = null;
        }
    }

    /** A timer (the scheduler's clock too) does no I/O: never refused for the loop it is pinned to. */
    @Override
    public boolean policyChecked() {
        return false;
    }
}
