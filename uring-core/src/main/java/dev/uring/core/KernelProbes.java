package dev.uring.core;

import dev.uring.core.ffi.Errno;
import dev.uring.core.ffi.IoUringParams;
import dev.uring.core.ffi.Native;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.List;

/**
 * Behavioural checks for what no probe bit reports: each asks a scratch ring (no setup hooks, so no
 * policy applies) whether the kernel accepts a flag or an encoding, and closes it.
 */
final class KernelProbes {
    private KernelProbes() {
    }

    /**
     * Whether io_uring_setup accepts {@code flags} (an unknown flag is EINVAL). The raw syscall, not
     * {@link Ring#open}: a refused setup's diagnosis asks this.
     */
    static boolean setupFlagAccepted(int flags) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment params = a.allocate(IoUringParams.SIZE, 8);
            IoUringParams.set(params, IoUringParams.FLAGS, flags);
            int fd = Native.ioUringSetup(2, params);
            if (fd >= 0) {
                Native.close(fd);
                return true;
            }
            return false;
        }
    }

    /** Whether a TIMEOUT with IORING_TIMEOUT_MULTISHOT is taken (older kernels complete it with -EINVAL). */
    static boolean multishotTimeout() throws IOException {
        try (Ring ring = Ring.open(RingOptions.defaults().entries(4).setupHooks(false));
                Arena arena = Arena.ofConfined()) {
            MemorySegment ts = Timespec.allocate(arena, Duration.ofNanos(1_000));
            ring.nextSqe().prepTimeout(ts, 1, TimeoutFlags.MULTISHOT).userData(1);
            ring.submitAndWait(1);
            int[] res = {0};
            ring.reapCqes((userData, r, flags) -> res[0] = r);
            return res[0] != -Errno.EINVAL;
        }
    }

    /**
     * Whether the kernel knows register op {@code code}: a restriction naming an op past
     * IORING_REGISTER_LAST is refused with EINVAL, a known one is taken.
     */
    static boolean registerOpKnown(int code) throws IOException {
        try (Ring ring = Ring.open(RingOptions.defaults().entries(2).flags(SetupFlags.R_DISABLED).setupHooks(false))) {
            ring.registerRestrictions(List.of(new Restriction(Restriction.Kind.REGISTER_OP, code)));
            return true;
        } catch (UringException e) {
            if (e.errno() == Errno.EINVAL) {
                return false;
            }
            throw e;
        }
    }

    /**
     * The number of register ops the kernel knows (IORING_REGISTER_LAST), by a binary search over
     * {@link #registerOpKnown}; ops are numbered without gaps.
     */
    static int registerOpCount() throws IOException {
        int lo = RegisterOp.ENABLE_RINGS.code() + 1; // restrictions themselves exist: at least this many
        int hi = 255;
        while (lo < hi) { // invariant: count >= lo and count <= hi
            int mid = (lo + hi + 1) >>> 1;
            if (registerOpKnown(mid - 1)) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return lo;
    }
}
