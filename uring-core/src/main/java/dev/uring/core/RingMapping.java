package dev.uring.core;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import dev.uring.core.ffi.Errno;
import dev.uring.core.ffi.IoUringConstants;
import dev.uring.core.ffi.IoUringCqe;
import dev.uring.core.ffi.IoUringParams;
import dev.uring.core.ffi.IoUringSqe;
import dev.uring.core.ffi.Native;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;

/**
 * One ring's io_uring_setup and mappings (liburing's setup.c): the fd, what the kernel answered in
 * io_uring_params, the SQ ring, CQ ring and SQE array mapped into this process, and the ring's
 * lifecycle (enabled, closed). The mappings belong to {@link #arena}, a shared arena this object
 * owns: {@link #unmap()} (called by {@link Ring#close()}) closes the fd and unmaps them.
 */
final class RingMapping {
    static final VarHandle INT = JAVA_INT.varHandle();

    final Arena arena;
    final int fd;
    final int flags;
    final int features;
    final int sqEntries;
    final int cqEntries;
    final MemorySegment sqRing;
    final MemorySegment cqRing;
    final MemorySegment sqes;
    final long sqHeadOff;
    final long sqTailOff;
    final long sqFlagsOff;
    final int sqMask;
    final long cqHeadOff;
    final long cqTailOff;
    final long cqesOff;
    final int cqMask;
    final long cqOverflowOff;
    /** Not R_DISABLED, or since ENABLE_RINGS. */
    boolean enabled;
    boolean closed;

    private RingMapping(Arena arena, int fd, MemorySegment params, MemorySegment sqRing, MemorySegment cqRing,
            MemorySegment sqes) {
        this.arena = arena;
        this.fd = fd;
        this.flags = IoUringParams.get(params, IoUringParams.FLAGS);
        this.features = IoUringParams.get(params, IoUringParams.FEATURES);
        this.sqEntries = IoUringParams.get(params, IoUringParams.SQ_ENTRIES);
        this.cqEntries = IoUringParams.get(params, IoUringParams.CQ_ENTRIES);
        this.sqRing = sqRing;
        this.cqRing = cqRing;
        this.sqes = sqes;
        this.sqHeadOff = IoUringParams.get(params, IoUringParams.SQ_OFF_HEAD);
        this.sqTailOff = IoUringParams.get(params, IoUringParams.SQ_OFF_TAIL);
        this.sqFlagsOff = IoUringParams.get(params, IoUringParams.SQ_OFF_FLAGS);
        this.sqMask = sqRing.get(JAVA_INT, IoUringParams.get(params, IoUringParams.SQ_OFF_RING_MASK));
        this.cqHeadOff = IoUringParams.get(params, IoUringParams.CQ_OFF_HEAD);
        this.cqTailOff = IoUringParams.get(params, IoUringParams.CQ_OFF_TAIL);
        this.cqesOff = IoUringParams.get(params, IoUringParams.CQ_OFF_CQES);
        this.cqMask = cqRing.get(JAVA_INT, IoUringParams.get(params, IoUringParams.CQ_OFF_RING_MASK));
        this.cqOverflowOff = IoUringParams.get(params, IoUringParams.CQ_OFF_OVERFLOW);
        this.enabled = (flags & SetupFlags.R_DISABLED) == 0;
    }

    /**
     * Sets up a ring with {@code setupFlags} (the options' flags, plus R_DISABLED when customizers
     * will run) and maps it. On failure nothing is left open.
     *
     * @throws IOException when the kernel refuses the ring or the mapping
     */
    static RingMapping setup(RingOptions options, int setupFlags) throws IOException {
        Arena arena = Arena.ofShared();
        int fd = -1;
        try {
            MemorySegment params = arena.allocate(IoUringParams.SIZE, 8);
            IoUringParams.set(params, IoUringParams.FLAGS, setupFlags);
            IoUringParams.set(params, IoUringParams.CQ_ENTRIES, options.cqEntries());
            IoUringParams.set(params, IoUringParams.SQ_THREAD_IDLE, options.sqThreadIdleMillis());
            IoUringParams.set(params, IoUringParams.SQ_THREAD_CPU, Math.max(0, options.sqThreadCpu()));
            Ring wq = options.attachWqRing();
            if (wq != null) {
                IoUringParams.set(params, IoUringParams.WQ_FD, wq.fd());
            }
            fd = Native.ioUringSetup(options.entries(), params);
            if (fd < 0) {
                throw IoUring.setupFailure(-fd, options);
            }
            return map(arena, fd, params);
        } catch (IOException | RuntimeException e) {
            if (fd >= 0) {
                Native.close(fd);
            }
            arena.close();
            throw e;
        }
    }

    private static RingMapping map(Arena arena, int fd, MemorySegment params) throws IOException {
        int sqEntries = IoUringParams.get(params, IoUringParams.SQ_ENTRIES);
        int cqEntries = IoUringParams.get(params, IoUringParams.CQ_ENTRIES);
        int features = IoUringParams.get(params, IoUringParams.FEATURES);
        long sqSize = Integer.toUnsignedLong(IoUringParams.get(params, IoUringParams.SQ_OFF_ARRAY)) + 4L * sqEntries;
        long cqSize = Integer.toUnsignedLong(IoUringParams.get(params, IoUringParams.CQ_OFF_CQES))
                + IoUringCqe.SIZE * cqEntries;
        boolean single = (features & IoUringConstants.IORING_FEAT_SINGLE_MMAP) != 0;
        if (single) {
            sqSize = cqSize = Math.max(sqSize, cqSize);
        }
        MemorySegment sqRing = mmap(arena, fd, sqSize, IoUringConstants.IORING_OFF_SQ_RING);
        MemorySegment cqRing = single ? sqRing : mmap(arena, fd, cqSize, IoUringConstants.IORING_OFF_CQ_RING);
        MemorySegment sqes = mmap(arena, fd, IoUringSqe.SIZE * sqEntries, IoUringConstants.IORING_OFF_SQES);
        int setupFlags = IoUringParams.get(params, IoUringParams.FLAGS);
        if ((setupFlags & SetupFlags.NO_SQARRAY) == 0) {
            // identity SQ index array, written once: SQE i is always submitted from slot i
            long array = Integer.toUnsignedLong(IoUringParams.get(params, IoUringParams.SQ_OFF_ARRAY));
            for (int i = 0; i < sqEntries; i++) {
                sqRing.set(JAVA_INT, array + 4L * i, i);
            }
        }
        return new RingMapping(arena, fd, params, sqRing, cqRing, sqes);
    }

    private static MemorySegment mmap(Arena arena, int fd, long size, long offset) throws IOException {
        long addr = Native.mmap(size, Native.PROT_READ | Native.PROT_WRITE, Native.MAP_SHARED | Native.MAP_POPULATE,
                fd, offset);
        if (addr < 0) {
            if (-addr == Errno.ENOMEM) {
                throw new UringException(Errno.ENOMEM, "mmap of the io_uring rings", "fd " + fd,
                        "mmap of the io_uring rings failed: ENOMEM (" + size + " bytes); "
                                + IoUring.memlockAdvice());
            }
            throw new UringException((int) -addr, "mmap of the io_uring rings", "fd " + fd);
        }
        return MemorySegment.ofAddress(addr).reinterpret(size, arena, seg -> Native.munmap(seg.address(), size));
    }

    /** The SQ ring's flags word (IORING_SQ_NEED_WAKEUP, CQ_OVERFLOW, TASKRUN), read with acquire. */
    int sqFlags() {
        return (int) INT.getAcquire(sqRing, sqFlagsOff);
    }

    /** Whether CQEs wait in the kernel (overflow list or deferred task work) until an enter with GETEVENTS. */
    boolean cqNeedsFlush() {
        return (sqFlags() & (IoUringConstants.IORING_SQ_CQ_OVERFLOW | IoUringConstants.IORING_SQ_TASKRUN)) != 0;
    }

    void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("ring fd " + fd + " is closed");
        }
    }

    /** Closes the fd and unmaps the rings; once. */
    void unmap() {
        closed = true;
        Native.close(fd);
        arena.close();
    }
}
