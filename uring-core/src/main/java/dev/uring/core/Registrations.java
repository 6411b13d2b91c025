package dev.uring.core;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.uring.core.ffi.Errno;
import dev.uring.core.ffi.IoUringBufRingLayout;
import dev.uring.core.ffi.IoUringConstants;
import dev.uring.core.ffi.IoUringRestriction;
import dev.uring.core.ffi.IoUringRsrc;
import dev.uring.core.ffi.IoVecLayout;
import dev.uring.core.ffi.Native;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.AccessDeniedException;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The io_uring_register calls of one ring (liburing's register.c): one funnel, {@link #register},
 * and a wrapper per registration {@link Ring} offers. The argument structs of each call live in a
 * confined arena for the call only (the kernel copies them); registered buffers stay the caller's.
 * An EACCES on an enabled ring is the ring's restrictions refusing the op: its customizers are told.
 */
final class Registrations {
    private final Ring ring;
    private final RingMapping m;
    private final RingEnter enter;
    private final List<RingCustomizer> customizers;
    private @Nullable MemorySegment @Nullable [] registeredBuffers;

    Registrations(Ring ring, RingMapping m, RingEnter enter, List<RingCustomizer> customizers) {
        this.ring = ring;
        this.m = m;
        this.enter = enter;
        this.customizers = customizers;
    }

    /** The one funnel for io_uring_register on this ring: the result, or an exception naming the op. */
    int register(RegisterOp op, long arg, int nrArgs) throws IOException {
        m.ensureOpen();
        int r = Native.ioUringRegister(m.fd, op.code(), arg, nrArgs);
        if (r < 0) {
            throw failure(op, -r);
        }
        return r;
    }

    private IOException failure(RegisterOp op, int errno) {
        String operation = "io_uring_register(" + op + ")";
        if (errno == Errno.EACCES && m.enabled) {
            String reason = operation + ": EACCES (the ring's restrictions do not allow register op " + op + ")";
            for (RingCustomizer c : customizers) {
                try {
                    c.registerDenied(ring, op, reason);
                } catch (RuntimeException e) {
                    // an audit hook must not change what the caller sees
                }
            }
            return new AccessDeniedException("ring fd " + m.fd, null, reason);
        }
        if (errno == Errno.ENOMEM && (op == RegisterOp.BUFFERS || op == RegisterOp.BUFFERS2)) {
            return new UringException(errno, operation, "ring fd " + m.fd,
                    operation + " failed: ENOMEM; " + IoUring.memlockAdvice());
        }
        return Errors.toException(errno, operation, "ring fd " + m.fd);
    }

    void restrictions(List<Restriction> restrictions) throws IOException {
        if (m.enabled) {
            throw new IllegalStateException("restrictions can only be registered on an R_DISABLED ring before enable()");
        }
        try (Arena a = Arena.ofConfined()) {
            MemorySegment array = a.allocate(Math.max(1, restrictions.size()) * IoUringRestriction.SIZE, 8);
            for (int i = 0; i < restrictions.size(); i++) {
                Restriction r = restrictions.get(i);
                IoUringRestriction.set(array, i, r.kind().code(), r.value());
            }
            register(RegisterOp.RESTRICTIONS, array.address(), restrictions.size());
        }
    }

    void enable() throws IOException {
        if (m.enabled) {
            throw new IllegalStateException("ring fd " + m.fd + " is already enabled");
        }
        register(RegisterOp.ENABLE_RINGS, 0L, 0);
        m.enabled = true;
    }

    void filesSparse(int nr) throws IOException {
        if (nr <= 0) {
            throw new IllegalArgumentException("a file table needs at least one slot, got " + nr);
        }
        try (Arena a = Arena.ofConfined()) {
            MemorySegment reg = a.allocate(IoUringRsrc.SIZE, 8);
            IoUringRsrc.register(reg, nr, IoUringConstants.IORING_RSRC_REGISTER_SPARSE, 0L, 0L);
            register(RegisterOp.FILES2, reg.address(), IoUringRsrc.SIZE);
        }
    }

    int updateFiles(int offset, int... fds) throws IOException {
        if (offset < 0) {
            throw new IllegalArgumentException("file table offset must not be negative, got " + offset);
        }
        try (Arena a = Arena.ofConfined()) {
            MemorySegment data = a.allocate(JAVA_INT, Math.max(1, fds.length));
            for (int i = 0; i < fds.length; i++) {
                data.setAtIndex(JAVA_INT, i, fds[i]);
            }
            MemorySegment upd = a.allocate(IoUringRsrc.SIZE, 8);
            IoUringRsrc.update2(upd, offset, data.address(), 0L, fds.length);
            return register(RegisterOp.FILES_UPDATE2, upd.address(), IoUringRsrc.SIZE);
        }
    }

    void unregisterFiles() throws IOException {
        register(RegisterOp.UNREGISTER_FILES, 0L, 0);
    }

    void fileAllocRange(int offset, int length) throws IOException {
        if (offset < 0 || length < 0) {
            throw new IllegalArgumentException("file alloc range must not be negative: " + offset + ", " + length);
        }
        try (Arena a = Arena.ofConfined()) {
            MemorySegment range = a.allocate(16, 8);
            range.set(JAVA_INT, 0, offset);
            range.set(JAVA_INT, 4, length);
            register(RegisterOp.FILE_ALLOC_RANGE, range.address(), 0);
        }
    }

    void buffers(MemorySegment... buffers) throws IOException {
        if (buffers.length == 0) {
            throw new IllegalArgumentException("no buffers to register");
        }
        try (Arena a = Arena.ofConfined()) {
            MemorySegment iovs = a.allocate(16L * buffers.length, 8);
            for (int i = 0; i < buffers.length; i++) {
                MemorySegment b = buffers[i];
                if (!b.isNative() || b.isReadOnly()) {
                    throw new IllegalArgumentException("fixed buffer " + i + " must be native and writable");
                }
                IoVecLayout.set(iovs, i, b.address(), b.byteSize());
            }
            register(RegisterOp.BUFFERS, iovs.address(), buffers.length);
        }
        registeredBuffers = buffers.clone();
    }

    void unregisterBuffers() throws IOException {
        register(RegisterOp.UNREGISTER_BUFFERS, 0L, 0);
        registeredBuffers = null;
    }

    MemorySegment registeredBuffer(int index) {
        MemorySegment[] bufs = registeredBuffers;
        if (bufs == null) {
            throw new IllegalStateException("ring fd " + m.fd + " has no registered buffers");
        }
        if (index < 0 || index >= bufs.length) {
            throw new IllegalArgumentException("fixed buffer index " + index + " out of range 0.." + (bufs.length - 1));
        }
        return bufs[index];
    }

    void bufferRing(MemorySegment ringMemory, int entries, int group) throws IOException {
        if (entries < 1 || entries > 32768 || Integer.bitCount(entries) != 1) {
            throw new IllegalArgumentException("buffer ring entries must be a power of two in 1..32768, got " + entries);
        }
        if (group < 0 || group > 0xFFFF) {
            throw new IllegalArgumentException("buffer group must be 0..65535, got " + group);
        }
        if (!ringMemory.isNative() || ringMemory.byteSize() < entries * IoUringBufRingLayout.BUF_SIZE
                || (ringMemory.address() & 4095) != 0) {
            throw new IllegalArgumentException("buffer ring memory must be native, page aligned and hold "
                    + entries + " entries");
        }
        try (Arena a = Arena.ofConfined()) {
            MemorySegment reg = a.allocate(IoUringBufRingLayout.REG_SIZE, 8);
            IoUringBufRingLayout.reg(reg, ringMemory.address(), entries, group, 0);
            register(RegisterOp.PBUF_RING, reg.address(), 1);
        }
    }

    void unregisterBufferRing(int group) throws IOException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment reg = a.allocate(IoUringBufRingLayout.REG_SIZE, 8);
            IoUringBufRingLayout.reg(reg, 0L, 0, group, 0);
            register(RegisterOp.UNREGISTER_PBUF_RING, reg.address(), 1);
        }
    }

    void ringFd() throws IOException {
        if (enter.registeredIndex() >= 0) {
            return;
        }
        try (Arena a = Arena.ofConfined()) {
            MemorySegment upd = a.allocate(IoUringRsrc.SIZE, 8);
            upd.set(JAVA_INT, 0, -1); // offset -1: any free registered-ring slot
            upd.set(JAVA_LONG, 8, m.fd);
            register(RegisterOp.RING_FDS, upd.address(), 1);
            enter.useRegisteredIndex(upd.get(JAVA_INT, 0));
        }
    }

    /** Drops the ring fd registration, best effort (from another thread the kernel cannot find the slot). */
    void unregisterRingFd() {
        int index = enter.registeredIndex();
        if (index < 0) {
            return;
        }
        try (Arena a = Arena.ofConfined()) {
            MemorySegment upd = a.allocate(IoUringRsrc.SIZE, 8);
            upd.set(JAVA_INT, 0, index);
            Native.ioUringRegister(m.fd, RegisterOp.UNREGISTER_RING_FDS.code(), upd.address(), 1);
            enter.usePlainFd();
        }
    }

    int[] ioWqMaxWorkers(int bounded, int unbounded) throws IOException {
        if (bounded < 0 || unbounded < 0) {
            throw new IllegalArgumentException("io-wq worker limits must not be negative: " + bounded + ", " + unbounded);
        }
        try (Arena a = Arena.ofConfined()) {
            MemorySegment vals = a.allocate(JAVA_INT, 2);
            vals.setAtIndex(JAVA_INT, 0, bounded);
            vals.setAtIndex(JAVA_INT, 1, unbounded);
            register(RegisterOp.IOWQ_MAX_WORKERS, vals.address(), 2);
            return new int[] {vals.getAtIndex(JAVA_INT, 0), vals.getAtIndex(JAVA_INT, 1)};
        }
    }
}
