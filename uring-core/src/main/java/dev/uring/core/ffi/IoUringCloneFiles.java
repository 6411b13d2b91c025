package dev.uring.core.ffi;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.MemorySegment;

/**
 * The proposed {@code struct io_uring_clone_files} (seed 001, not merged; 32 bytes) and its flags,
 * plus the raw register call. The register opcode is only a candidate: 38 is claimed by two
 * proposals, so callers must confirm the behaviour before trusting a 0 result.
 *
 * <pre>
 * src_fd u32 @0, flags u32 @4 (SRC_REGISTERED 1, DST_REPLACE 2), src_off u32 @8, dst_off u32 @12,
 * nr u32 @16 (0 = the whole source table), pad u32[3] @20 (must be zero)
 * </pre>
 */
public final class IoUringCloneFiles {
    public static final int SIZE = 32;
    public static final int SRC_FD = 0;
    public static final int FLAGS = 4;
    public static final int SRC_OFF = 8;
    public static final int DST_OFF = 12;
    public static final int NR = 16;
    public static final int PAD = 20;
    /** {@code IORING_REGISTER_SRC_REGISTERED}: src_fd is a registered ring index. */
    public static final int IORING_REGISTER_SRC_REGISTERED = 1;
    /** {@code IORING_REGISTER_DST_REPLACE}: replace an existing destination table. */
    public static final int IORING_REGISTER_DST_REPLACE = 2;
    /** The opcode proposed for {@code IORING_REGISTER_CLONE_FILES} (contested). */
    public static final int IORING_REGISTER_CLONE_FILES_CANDIDATE = 38;

    private IoUringCloneFiles() {
    }

    /** Fills {@code s} (at least {@link #SIZE} bytes) completely, pad included. */
    public static void set(MemorySegment s, int srcFd, int flags, int srcOff, int dstOff, int nr) {
        s.set(JAVA_INT, SRC_FD, srcFd);
        s.set(JAVA_INT, FLAGS, flags);
        s.set(JAVA_INT, SRC_OFF, srcOff);
        s.set(JAVA_INT, DST_OFF, dstOff);
        s.set(JAVA_INT, NR, nr);
        s.set(JAVA_INT, PAD, 0);
        s.set(JAVA_INT, PAD + 4, 0);
        s.set(JAVA_INT, PAD + 8, 0);
    }

    /** io_uring_register(dstFd, opcode, arg, 1): 0, or -errno. */
    public static int register(int dstRingFd, int opcode, MemorySegment arg) {
        return Native.ioUringRegister(dstRingFd, opcode, arg.address(), 1);
    }
}
