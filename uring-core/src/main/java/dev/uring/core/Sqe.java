package dev.uring.core;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import dev.uring.core.ffi.Errno;
import dev.uring.core.ffi.IoUringConstants;
import dev.uring.core.ffi.IoUringSqe;
import dev.uring.core.ffi.KernelTimespec;
import dev.uring.core.ffi.OpenHowLayout;
import dev.uring.core.ffi.StatxLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

/**
 * A flyweight over one claimed SQE of a {@link Ring}, valid until the next
 * {@link Ring#nextSqe()}. One {@code prep...} method per op, named after liburing's
 * {@code io_uring_prep_*}; each checks its arguments and throws {@link IllegalArgumentException}
 * naming the bad one, before the kernel could see it.
 *
 * <p>Memory passed to a prep method (buffers, paths, addresses, timespecs) must be native, and
 * must stay alive until the op's final CQE: the kernel reads or writes it asynchronously.
 *
 * <p>Implementation note: a claim writes only what it must (the hot path is six stores, like
 * liburing's). The claim zeroes user_data; bytes 0..31 are written whole by every prep
 * ({@code rw}); bytes 40..63 are zeroed at the claim only when an earlier op in that slot wrote
 * them, so every write there must go through {@code putTail16/32/64}, which record it.
 */
public final class Sqe {
    /** Largest length one SQE carries (the kernel's u32 {@code len}, kept within int). */
    public static final long MAX_LENGTH = Integer.MAX_VALUE;

    /** The SQE array is page aligned: the unaligned layout spares each store an alignment test. */
    private static final ValueLayout.OfLong U64 = JAVA_LONG_UNALIGNED;
    /** The {@link #state} bit above the SQE flags byte (bits 0..7): claimed, and no prep ran yet. */
    private static final int UNPREPARED = 1 << 8;

    private final Ring ring;
    private final MemorySegment sqes;
    /** Per SQ slot: whether bytes 40..63 may hold values an earlier op in that slot wrote. */
    private final boolean[] tailDirty;
    private long base;
    /**
     * The state of this claim: the SQE flags set on it (kept so that a prep run after
     * {@link #flags(int)} keeps them) and whether it still waits for its prep, in one field.
     */
    private int state;

    Sqe(Ring ring, MemorySegment sqes) {
        this.ring = ring;
        this.sqes = sqes;
        this.tailDirty = new boolean[(int) (sqes.byteSize() / IoUringSqe.SIZE)];
        // nothing is assumed of the fresh mapping: each slot's tail is zeroed on its first claim
        Arrays.fill(tailDirty, true);
    }

    /** Starts a claim of SQ slot {@code slot}; an SQE whose prep never ran is not published. */
    Sqe claim(int slot) {
        long offset = (long) slot << 6; // * IoUringSqe.SIZE
        base = offset;
        state = UNPREPARED;
        MemorySegment s = sqes;
        s.set(U64, offset + IoUringSqe.USER_DATA, 0L);
        boolean[] dirty = tailDirty;
        int i = slot & (dirty.length - 1); // == slot (the SQ size is a power of two); spares a bounds check
        if (dirty[i]) {
            dirty[i] = false;
            s.set(U64, offset + 40, 0L);
            s.set(U64, offset + 48, 0L);
            s.set(U64, offset + 56, 0L);
        }
        return this;
    }

    /** Points the flyweight at SQ slot {@code slot} holding a prepared SQE (for submission filters). */
    Sqe at(int slot) {
        base = (long) slot << 6;
        state = 0;
        return this;
    }

    /** The opcode number of the SQE in SQ slot {@code slot} (for submission observers). */
    int opcodeAt(int slot) {
        return Byte.toUnsignedInt(sqes.get(JAVA_BYTE, ((long) slot << 6) + IoUringSqe.OPCODE));
    }

    /** The user_data of the SQE in SQ slot {@code slot} (for submission observers). */
    long userDataAt(int slot) {
        return sqes.get(U64, ((long) slot << 6) + IoUringSqe.USER_DATA);
    }

    /** The SQ slot of the claimed SQE. */
    int slot() {
        return (int) (base >>> 6);
    }

    private void markTail() {
        tailDirty[(int) (base >>> 6)] = true;
    }

    /** Writes a 16-bit field in bytes 40..63 and records that the slot's tail is dirty. */
    private void putTail16(long field, int value) {
        markTail();
        sqes.set(JAVA_SHORT, base + field, (short) value);
    }

    /** Writes a 32-bit field in bytes 40..63 and records that the slot's tail is dirty. */
    private void putTail32(long field, int value) {
        markTail();
        sqes.set(JAVA_INT, base + field, value);
    }

    /** Writes a 64-bit field in bytes 40..63 and records that the slot's tail is dirty. */
    private void putTail64(long field, long value) {
        markTail();
        sqes.set(JAVA_LONG, base + field, value);
    }

    // ------------------------------------------------------------------ common fields

    /** Sets the SQE flags ({@link SqeFlags}), replacing any set before. */
    public Sqe flags(int flags) {
        int f = SqeFlags.validate(flags);
        state = (state & ~0xFF) | f;
        sqes.set(JAVA_BYTE, base + IoUringSqe.FLAGS, (byte) f);
        return this;
    }

    /** Adds SQE flags ({@link SqeFlags}) to those set. */
    public Sqe addFlags(int flags) {
        return flags(flagsValue() | flags);
    }

    /** Sets the user_data the CQE will carry. */
    public Sqe userData(long userData) {
        sqes.set(U64, base + IoUringSqe.USER_DATA, userData);
        return this;
    }

    /** Names the provided buffer group to pick from (with {@link SqeFlags#BUFFER_SELECT}). */
    public Sqe bufferGroup(int group) {
        checkGroup(group);
        putTail16(IoUringSqe.BUF_INDEX, group);
        return this;
    }

    /** Runs the op with the credentials of a registered personality. */
    public Sqe personality(int personality) {
        putTail16(IoUringSqe.PERSONALITY, personality);
        return this;
    }

    // ------------------------------------------------------------------ read-back, for filters and tests

    /** The op prepared in this SQE. */
    public Opcode opcode() {
        return Opcode.of(Byte.toUnsignedInt(sqes.get(JAVA_BYTE, base + IoUringSqe.OPCODE)));
    }

    /** The SQE flags. */
    public int flagsValue() {
        return Byte.toUnsignedInt(sqes.get(JAVA_BYTE, base + IoUringSqe.FLAGS));
    }

    /** The fd field (an fd, a fixed slot, a socket domain, a ring fd: per op). */
    public int fd() {
        return sqes.get(JAVA_INT, base + IoUringSqe.FD);
    }

    /** The user_data. */
    public long userDataValue() {
        return sqes.get(JAVA_LONG, base + IoUringSqe.USER_DATA);
    }

    /** The off/addr2 field. */
    public long off() {
        return sqes.get(JAVA_LONG, base + IoUringSqe.OFF);
    }

    /** The addr field. */
    public long addr() {
        return sqes.get(JAVA_LONG, base + IoUringSqe.ADDR);
    }

    /** The len field. */
    public int len() {
        return sqes.get(JAVA_INT, base + IoUringSqe.LEN);
    }

    /** The op-specific flags word (rw_flags, open flags, msg flags, ...). */
    public int opFlags() {
        return sqes.get(JAVA_INT, base + IoUringSqe.OP_FLAGS);
    }

    /** The ioprio field (accept/recv/send flags for socket ops). */
    public int ioprio() {
        return Short.toUnsignedInt(sqes.get(JAVA_SHORT, base + IoUringSqe.IOPRIO));
    }

    /** The file_index / addr_len field. */
    public int fileIndex() {
        return sqes.get(JAVA_INT, base + IoUringSqe.FILE_INDEX);
    }

    /**
     * Reads the NUL-terminated string the addr field points at (the path of OPENAT, OPENAT2,
     * STATX, UNLINKAT, MKDIRAT, RENAMEAT), at most {@code max} bytes, for submission filters.
     */
    public String addrString(int max) {
        long a = addr();
        if (a == 0) {
            throw new IllegalStateException(opcode() + " SQE has no address");
        }
        return MemorySegment.ofAddress(a).reinterpret(max).getString(0);
    }

    /** The addr field read as native memory of {@code size} bytes, for submission filters. */
    public MemorySegment addrSegment(long size) {
        long a = addr();
        if (a == 0) {
            throw new IllegalStateException(opcode() + " SQE has no address");
        }
        return MemorySegment.ofAddress(a).reinterpret(size);
    }

    /** The off/addr2 field read as native memory of {@code size} bytes, for submission filters. */
    public MemorySegment offSegment(long size) {
        long a = off();
        if (a == 0) {
            throw new IllegalStateException(opcode() + " SQE has no second address");
        }
        return MemorySegment.ofAddress(a).reinterpret(size);
    }

    /** Turns this SQE into a NOP that completes with -EACCES (a submission filter refused it). */
    void denyWithEacces() {
        long ud = userDataValue();
        int f = flagsValue() & (SqeFlags.IO_LINK | SqeFlags.IO_HARDLINK | SqeFlags.IO_DRAIN);
        claim(slot());
        rw(Opcode.NOP, -1, 0L, -Errno.EACCES, 0L);
        sqes.set(JAVA_INT, base + IoUringSqe.OP_FLAGS, IoUringConstants.IORING_NOP_INJECT_RESULT);
        sqes.set(JAVA_BYTE, base + IoUringSqe.FLAGS, (byte) f);
        userData(ud);
    }

    // ------------------------------------------------------------------ checks

    /** Whether this SQE is claimed but no prep filled it (yet, or because the prep threw). */
    boolean unprepared() {
        return (state & UNPREPARED) != 0;
    }

    /** Gives up an unprepared claim: its slot is handed back, not published. */
    void abandon() {
        state = 0;
    }

    private void rw(Opcode op, int fd, long addr, int len, long off) {
        int c = state & 0xFF;
        state = c;
        long b = base;
        MemorySegment s = sqes;
        // four whole-word stores, like liburing's io_uring_prep_rw (little-endian field packing):
        // opcode | flags << 8 | ioprio (0) << 16 | fd << 32, then off, addr, len | op flags (0) << 32
        s.set(U64, b, (op.code() & 0xFFL) | ((long) (c & 0xFF) << 8) | ((long) fd << 32));
        s.set(U64, b + IoUringSqe.OFF, off);
        s.set(U64, b + IoUringSqe.ADDR, addr);
        s.set(U64, b + IoUringSqe.LEN, Integer.toUnsignedLong(len));
    }

    private void opFlags(int value) {
        sqes.set(JAVA_INT, base + IoUringSqe.OP_FLAGS, value);
    }

    private void ioprio(int value) {
        sqes.set(JAVA_SHORT, base + IoUringSqe.IOPRIO, (short) value);
    }

    private void fileIndex(int value) {
        putTail32(IoUringSqe.FILE_INDEX, value);
    }

    private void addr3(long value) {
        putTail64(IoUringSqe.ADDR3, value);
    }

    private static void checkGroup(int group) {
        if (group < 0 || group > 0xFFFF) {
            throw new IllegalArgumentException("buffer group must be 0..65535, got " + group);
        }
    }

    private static int checkFd(Opcode op, int fd) {
        if (fd < 0) {
            throw new IllegalArgumentException(op + ": file descriptor must not be negative, got " + fd);
        }
        return fd;
    }

    private static long checkOffset(Opcode op, long offset) {
        if (offset < -1) {
            throw new IllegalArgumentException(op + ": offset must be >= 0 (or -1 for the file position), got " + offset);
        }
        return offset;
    }

    private static int checkBuffer(Opcode op, MemorySegment buf, boolean kernelWrites) {
        if (!buf.isNative()) {
            throw new IllegalArgumentException(op + ": buffer must be native (off-heap or a direct ByteBuffer): "
                    + "heap memory may move while the kernel uses it");
        }
        if (kernelWrites && buf.isReadOnly()) {
            throw new IllegalArgumentException(op + ": buffer is read-only but the kernel writes into it");
        }
        if (buf.byteSize() > MAX_LENGTH) {
            throw new IllegalArgumentException(op + ": buffer of " + buf.byteSize() + " bytes exceeds the "
                    + MAX_LENGTH + " bytes one SQE can carry");
        }
        return (int) buf.byteSize();
    }

    private static long checkPath(Opcode op, MemorySegment path) {
        if (!path.isNative()) {
            throw new IllegalArgumentException(op + ": path must be a native NUL-terminated string (Arena.allocateFrom)");
        }
        if (path.byteSize() == 0 || path.get(JAVA_BYTE, path.byteSize() - 1) != 0) {
            throw new IllegalArgumentException(op + ": path must be NUL-terminated (use Arena.allocateFrom(String))");
        }
        return path.address();
    }

    private static void checkSize(Opcode op, String what, MemorySegment seg, long size) {
        if (!seg.isNative()) {
            throw new IllegalArgumentException(op + ": " + what + " must be native memory");
        }
        if (seg.byteSize() < size) {
            throw new IllegalArgumentException(op + ": " + what + " needs " + size + " bytes, got " + seg.byteSize());
        }
    }

    private static int checkSlot(Opcode op, int slot) {
        if (slot < 0) {
            throw new IllegalArgumentException(op + ": fixed file slot must not be negative, got " + slot);
        }
        return slot;
    }

    /** Kernel's file_index for a direct-descriptor op: slot + 1, or ALLOC. */
    private static int directIndex(Opcode op, int slot) {
        return slot == FileIndex.ALLOC ? IoUringConstants.IORING_FILE_INDEX_ALLOC : checkSlot(op, slot) + 1;
    }

    // ------------------------------------------------------------------ ops

    /**
     * An SQE of {@code op} with every argument zero and fd -1: no memory for the kernel to touch,
     * so it fails cleanly (EBADF, EFAULT, EINVAL) unless the ring's restrictions refuse the op first
     * (-EACCES). For probing what a restricted ring allows, op by op, including ops with no
     * {@code prep} method here.
     */
    public Sqe prepBare(Opcode op) {
        rw(op, -1, 0L, 0, 0L);
        return this;
    }

    /** IORING_OP_NOP: completes with res 0. */
    public Sqe prepNop() {
        rw(Opcode.NOP, -1, 0L, 0, 0L);
        return this;
    }

    /** IORING_OP_READ: reads into {@code buf} from {@code offset} (-1: the file position). */
    public Sqe prepRead(int fd, MemorySegment buf, long offset) {
        int len = checkBuffer(Opcode.READ, buf, true);
        rw(Opcode.READ, checkFd(Opcode.READ, fd), buf.address(), len, checkOffset(Opcode.READ, offset));
        return this;
    }

    /** IORING_OP_READ with a provided buffer: the kernel picks one of {@code group}, at most {@code len} bytes. */
    public Sqe prepReadSelect(int fd, int len, long offset, int group) {
        if (len < 0) {
            throw new IllegalArgumentException("READ: length must not be negative, got " + len);
        }
        checkGroup(group);
        rw(Opcode.READ, checkFd(Opcode.READ, fd), 0L, len, checkOffset(Opcode.READ, offset));
        bufferGroup(group);
        return addFlags(SqeFlags.BUFFER_SELECT);
    }

    /** IORING_OP_WRITE: writes {@code buf} at {@code offset} (-1: the file position). */
    public Sqe prepWrite(int fd, MemorySegment buf, long offset) {
        int len = checkBuffer(Opcode.WRITE, buf, false);
        rw(Opcode.WRITE, checkFd(Opcode.WRITE, fd), buf.address(), len, checkOffset(Opcode.WRITE, offset));
        return this;
    }

    /** IORING_OP_READV: scatters into {@code vecs}. */
    public Sqe prepReadv(int fd, IoVecs vecs, long offset) {
        vecs.checkWritable(Opcode.READV);
        rw(Opcode.READV, checkFd(Opcode.READV, fd), vecs.address(), vecs.count(), checkOffset(Opcode.READV, offset));
        return this;
    }

    /** IORING_OP_WRITEV: gathers from {@code vecs}. */
    public Sqe prepWritev(int fd, IoVecs vecs, long offset) {
        rw(Opcode.WRITEV, checkFd(Opcode.WRITEV, fd), vecs.address(), vecs.count(),
                checkOffset(Opcode.WRITEV, offset));
        return this;
    }

    /** IORING_OP_READ_FIXED: {@code buf} must lie inside registered buffer {@code bufIndex}. */
    public Sqe prepReadFixed(int fd, MemorySegment buf, long offset, int bufIndex) {
        int len = checkBuffer(Opcode.READ_FIXED, buf, true);
        checkFixed(Opcode.READ_FIXED, buf, bufIndex);
        rw(Opcode.READ_FIXED, checkFd(Opcode.READ_FIXED, fd), buf.address(), len,
                checkOffset(Opcode.READ_FIXED, offset));
        putTail16(IoUringSqe.BUF_INDEX, bufIndex);
        return this;
    }

    /** IORING_OP_WRITE_FIXED: {@code buf} must lie inside registered buffer {@code bufIndex}. */
    public Sqe prepWriteFixed(int fd, MemorySegment buf, long offset, int bufIndex) {
        int len = checkBuffer(Opcode.WRITE_FIXED, buf, false);
        checkFixed(Opcode.WRITE_FIXED, buf, bufIndex);
        rw(Opcode.WRITE_FIXED, checkFd(Opcode.WRITE_FIXED, fd), buf.address(), len,
                checkOffset(Opcode.WRITE_FIXED, offset));
        putTail16(IoUringSqe.BUF_INDEX, bufIndex);
        return this;
    }

    private void checkFixed(Opcode op, MemorySegment buf, int bufIndex) {
        MemorySegment reg = ring.registeredBuffer(bufIndex);
        long start = reg.address();
        long end = start + reg.byteSize();
        if (buf.address() < start || buf.address() + buf.byteSize() > end) {
            throw new IllegalArgumentException(op + ": buffer is not inside registered buffer " + bufIndex);
        }
    }

    /** IORING_OP_OPENAT: opens {@code path} relative to {@code dirfd} ({@link AtFlags#FDCWD} for the cwd). */
    public Sqe prepOpenat(int dirfd, MemorySegment path, int openFlags, int mode) {
        rw(Opcode.OPENAT, dirfd, checkPath(Opcode.OPENAT, path), mode, 0L);
        opFlags(openFlags);
        return this;
    }

    /** IORING_OP_OPENAT into fixed slot {@code slot} (or {@link FileIndex#ALLOC}) instead of an fd. */
    public Sqe prepOpenatDirect(int dirfd, MemorySegment path, int openFlags, int mode, int slot) {
        if ((openFlags & OpenFlags.O_CLOEXEC) != 0) {
            // the kernel answers a bare EINVAL: a fixed slot is not an fd and has no close-on-exec
            throw new IllegalArgumentException("OPENAT: O_CLOEXEC is invalid for a direct (fixed slot) open");
        }
        int index = directIndex(Opcode.OPENAT, slot);
        prepOpenat(dirfd, path, openFlags, mode);
        fileIndex(index);
        return this;
    }

    /** IORING_OP_OPENAT2 with an {@link OpenHow} (flags, mode, RESOLVE_* rules). */
    public Sqe prepOpenat2(int dirfd, MemorySegment path, MemorySegment openHow) {
        checkSize(Opcode.OPENAT2, "open_how", openHow, OpenHowLayout.SIZE);
        rw(Opcode.OPENAT2, dirfd, checkPath(Opcode.OPENAT2, path), (int) OpenHowLayout.SIZE, openHow.address());
        return this;
    }

    /** IORING_OP_OPENAT2 into fixed slot {@code slot} (or {@link FileIndex#ALLOC}). */
    public Sqe prepOpenat2Direct(int dirfd, MemorySegment path, MemorySegment openHow, int slot) {
        int index = directIndex(Opcode.OPENAT2, slot);
        prepOpenat2(dirfd, path, openHow);
        fileIndex(index);
        return this;
    }

    /** IORING_OP_CLOSE of a regular fd. */
    public Sqe prepClose(int fd) {
        rw(Opcode.CLOSE, checkFd(Opcode.CLOSE, fd), 0L, 0, 0L);
        return this;
    }

    /** IORING_OP_CLOSE of fixed slot {@code slot}. */
    public Sqe prepCloseDirect(int slot) {
        int index = checkSlot(Opcode.CLOSE, slot) + 1;
        rw(Opcode.CLOSE, 0, 0L, 0, 0L);
        fileIndex(index);
        return this;
    }

    /** IORING_OP_STATX into {@code statxBuf} (256 bytes, see {@link Statx}). */
    public Sqe prepStatx(int dirfd, MemorySegment path, int atFlags, int mask, MemorySegment statxBuf) {
        checkSize(Opcode.STATX, "statx buffer", statxBuf, StatxLayout.SIZE);
        rw(Opcode.STATX, dirfd, checkPath(Opcode.STATX, path), mask, statxBuf.address());
        opFlags(atFlags);
        return this;
    }

    /** IORING_OP_FSYNC; {@code datasync} for fdatasync semantics. */
    public Sqe prepFsync(int fd, boolean datasync) {
        rw(Opcode.FSYNC, checkFd(Opcode.FSYNC, fd), 0L, 0, 0L);
        opFlags(datasync ? IoUringConstants.IORING_FSYNC_DATASYNC : 0);
        return this;
    }

    /** IORING_OP_FALLOCATE: {@code mode} as fallocate(2), over {@code [offset, offset+len)}. */
    public Sqe prepFallocate(int fd, int mode, long offset, long len) {
        if (offset < 0 || len <= 0) {
            throw new IllegalArgumentException("FALLOCATE: offset must be >= 0 and length > 0, got " + offset + ", " + len);
        }
        rw(Opcode.FALLOCATE, checkFd(Opcode.FALLOCATE, fd), len, mode, offset);
        return this;
    }

    /**
     * IORING_OP_FADVISE: posix_fadvise(2)'s {@code advice} (POSIX_FADV_NORMAL 0 to NOREUSE 5) over
     * {@code [offset, offset+len)}, {@code len} 0 meaning to the end of the file.
     */
    public Sqe prepFadvise(int fd, long offset, int len, int advice) {
        if (offset < 0 || len < 0) {
            throw new IllegalArgumentException("FADVISE: offset and length must not be negative, got " + offset
                    + ", " + len);
        }
        if (advice < 0 || advice > 5) {
            throw new IllegalArgumentException("FADVISE: advice must be a POSIX_FADV_* value (0 to 5), got " + advice);
        }
        rw(Opcode.FADVISE, checkFd(Opcode.FADVISE, fd), 0L, len, offset);
        opFlags(advice);
        return this;
    }

    /** IORING_OP_FTRUNCATE to {@code length} bytes. */
    public Sqe prepFtruncate(int fd, long length) {
        if (length < 0) {
            throw new IllegalArgumentException("FTRUNCATE: length must not be negative, got " + length);
        }
        rw(Opcode.FTRUNCATE, checkFd(Opcode.FTRUNCATE, fd), 0L, 0, length);
        return this;
    }

    /** IORING_OP_UNLINKAT; {@code atFlags} {@link AtFlags#REMOVEDIR} removes a directory. */
    public Sqe prepUnlinkat(int dirfd, MemorySegment path, int atFlags) {
        rw(Opcode.UNLINKAT, dirfd, checkPath(Opcode.UNLINKAT, path), 0, 0L);
        opFlags(atFlags);
        return this;
    }

    /** IORING_OP_RENAMEAT with renameat2(2) {@code flags}. */
    public Sqe prepRenameat(int oldDirfd, MemorySegment oldPath, int newDirfd, MemorySegment newPath, int flags) {
        rw(Opcode.RENAMEAT, oldDirfd, checkPath(Opcode.RENAMEAT, oldPath), newDirfd,
                checkPath(Opcode.RENAMEAT, newPath));
        opFlags(flags);
        return this;
    }

    /** IORING_OP_MKDIRAT with permission bits {@code mode}. */
    public Sqe prepMkdirat(int dirfd, MemorySegment path, int mode) {
        rw(Opcode.MKDIRAT, dirfd, checkPath(Opcode.MKDIRAT, path), mode, 0L);
        return this;
    }

    /**
     * IORING_OP_TIMEOUT: completes with -ETIME after {@code ts} ({@link Timespec}), or with 0 once
     * {@code count} other CQEs were posted (0: time only). Expiry is -ETIME even with
     * {@link TimeoutFlags#ETIME_SUCCESS}, which only keeps a linked chain going.
     */
    public Sqe prepTimeout(MemorySegment ts, int count, int timeoutFlags) {
        checkSize(Opcode.TIMEOUT, "timespec", ts, KernelTimespec.SIZE);
        if (count < 0) {
            throw new IllegalArgumentException("TIMEOUT: count must not be negative, got " + count);
        }
        rw(Opcode.TIMEOUT, -1, ts.address(), 1, count);
        opFlags(timeoutFlags);
        return this;
    }

    /** IORING_OP_TIMEOUT_REMOVE of the timeout with {@code userData}. */
    public Sqe prepTimeoutRemove(long userData, int timeoutFlags) {
        rw(Opcode.TIMEOUT_REMOVE, -1, userData, 0, 0L);
        opFlags(timeoutFlags);
        return this;
    }

    /** IORING_OP_LINK_TIMEOUT: cancels the SQE this one is linked after when {@code ts} passes. */
    public Sqe prepLinkTimeout(MemorySegment ts, int timeoutFlags) {
        checkSize(Opcode.LINK_TIMEOUT, "timespec", ts, KernelTimespec.SIZE);
        rw(Opcode.LINK_TIMEOUT, -1, ts.address(), 1, 0L);
        opFlags(timeoutFlags);
        return this;
    }

    /** IORING_OP_ASYNC_CANCEL of the op with {@code userData}; {@code cancelFlags} e.g. CANCEL_ALL. */
    public Sqe prepCancel(long userData, int cancelFlags) {
        rw(Opcode.ASYNC_CANCEL, -1, userData, 0, 0L);
        opFlags(cancelFlags);
        return this;
    }

    /** IORING_OP_ASYNC_CANCEL of every op on {@code fd}. */
    public Sqe prepCancelFd(int fd, int cancelFlags) {
        rw(Opcode.ASYNC_CANCEL, checkFd(Opcode.ASYNC_CANCEL, fd), 0L, 0, 0L);
        opFlags(cancelFlags | IoUringConstants.IORING_ASYNC_CANCEL_FD);
        return this;
    }

    /** IORING_OP_POLL_ADD: one CQE when {@code fd} has one of {@code pollMask} (POLLIN 1, POLLOUT 4). */
    public Sqe prepPollAdd(int fd, int pollMask) {
        rw(Opcode.POLL_ADD, checkFd(Opcode.POLL_ADD, fd), 0L, 0, 0L);
        opFlags(pollMask);
        return this;
    }

    /** IORING_OP_POLL_ADD, multishot: a CQE (with F_MORE) at every readiness change. */
    public Sqe prepPollMultishot(int fd, int pollMask) {
        prepPollAdd(fd, pollMask);
        sqes.set(JAVA_INT, base + IoUringSqe.LEN, IoUringConstants.IORING_POLL_ADD_MULTI);
        return this;
    }

    /** IORING_OP_SOCKET: res is the new socket's fd. */
    public Sqe prepSocket(int domain, int type, int protocol, int flags) {
        rw(Opcode.SOCKET, domain, 0L, protocol, Integer.toUnsignedLong(type));
        opFlags(flags);
        return this;
    }

    /** IORING_OP_SOCKET into fixed slot {@code slot} (or {@link FileIndex#ALLOC}). */
    public Sqe prepSocketDirect(int domain, int type, int protocol, int flags, int slot) {
        int index = directIndex(Opcode.SOCKET, slot);
        prepSocket(domain, type, protocol, flags);
        fileIndex(index);
        return this;
    }

    /** IORING_OP_BIND to the sockaddr in {@code addr} ({@link SocketAddresses}). */
    public Sqe prepBind(int fd, MemorySegment addr) {
        checkSize(Opcode.BIND, "sockaddr", addr, 2);
        rw(Opcode.BIND, checkFd(Opcode.BIND, fd), addr.address(), 0, addr.byteSize());
        return this;
    }

    /** IORING_OP_LISTEN with {@code backlog}. */
    public Sqe prepListen(int fd, int backlog) {
        if (backlog < 0) {
            throw new IllegalArgumentException("LISTEN: backlog must not be negative, got " + backlog);
        }
        rw(Opcode.LISTEN, checkFd(Opcode.LISTEN, fd), 0L, backlog, 0L);
        return this;
    }

    /**
     * IORING_OP_ACCEPT: res is the new connection's fd. {@code addr} (a sockaddr_storage) and
     * {@code addrLen} (an int holding its size) receive the peer; pass {@link MemorySegment#NULL} for both to skip.
     */
    public Sqe prepAccept(int fd, MemorySegment addr, MemorySegment addrLen, int flags) {
        long a = 0;
        long l = 0;
        if (!addr.equals(MemorySegment.NULL)) {
            checkSize(Opcode.ACCEPT, "addrLen", addrLen, 4);
            if (Integer.toUnsignedLong(addrLen.get(JAVA_INT, 0)) > addr.byteSize()) {
                throw new IllegalArgumentException("ACCEPT: addrLen says " + addrLen.get(JAVA_INT, 0)
                        + " bytes but the address buffer has " + addr.byteSize());
            }
            a = addr.address();
            l = addrLen.address();
        }
        rw(Opcode.ACCEPT, checkFd(Opcode.ACCEPT, fd), a, 0, l);
        opFlags(flags);
        return this;
    }

    /** IORING_OP_ACCEPT, multishot: a CQE (with F_MORE) per accepted connection, no peer address. */
    public Sqe prepMultishotAccept(int fd, int flags) {
        rw(Opcode.ACCEPT, checkFd(Opcode.ACCEPT, fd), 0L, 0, 0L);
        opFlags(flags);
        ioprio(IoUringConstants.IORING_ACCEPT_MULTISHOT);
        return this;
    }

    /** IORING_OP_ACCEPT into fixed slot {@code slot} (or {@link FileIndex#ALLOC}), no peer address. */
    public Sqe prepAcceptDirect(int fd, int flags, int slot) {
        int index = directIndex(Opcode.ACCEPT, slot);
        rw(Opcode.ACCEPT, checkFd(Opcode.ACCEPT, fd), 0L, 0, 0L);
        opFlags(flags);
        fileIndex(index);
        return this;
    }

    /** IORING_OP_CONNECT to the sockaddr in {@code addr}. */
    public Sqe prepConnect(int fd, MemorySegment addr) {
        checkSize(Opcode.CONNECT, "sockaddr", addr, 2);
        rw(Opcode.CONNECT, checkFd(Opcode.CONNECT, fd), addr.address(), 0, addr.byteSize());
        return this;
    }

    /** IORING_OP_RECV into {@code buf}; res 0 means the peer closed. */
    public Sqe prepRecv(int fd, MemorySegment buf, int msgFlags) {
        int len = checkBuffer(Opcode.RECV, buf, true);
        rw(Opcode.RECV, checkFd(Opcode.RECV, fd), buf.address(), len, 0L);
        opFlags(msgFlags);
        return this;
    }

    /**
     * IORING_OP_RECV, multishot, into buffers picked from provided group {@code group}: a CQE
     * (with F_MORE and a buffer id) per chunk received.
     */
    public Sqe prepRecvMultishot(int fd, int group, int msgFlags) {
        checkGroup(group);
        rw(Opcode.RECV, checkFd(Opcode.RECV, fd), 0L, 0, 0L);
        opFlags(msgFlags);
        ioprio(IoUringConstants.IORING_RECV_MULTISHOT);
        bufferGroup(group);
        return addFlags(SqeFlags.BUFFER_SELECT);
    }

    /** IORING_OP_SEND of {@code buf}. */
    public Sqe prepSend(int fd, MemorySegment buf, int msgFlags) {
        int len = checkBuffer(Opcode.SEND, buf, false);
        rw(Opcode.SEND, checkFd(Opcode.SEND, fd), buf.address(), len, 0L);
        opFlags(msgFlags);
        return this;
    }

    /**
     * IORING_OP_SEND_ZC: zero-copy send. Two CQEs: the result (F_MORE) and later a notification
     * (F_NOTIF) after which {@code buf} may be reused.
     */
    public Sqe prepSendZc(int fd, MemorySegment buf, int msgFlags, int zcFlags) {
        int len = checkBuffer(Opcode.SEND_ZC, buf, false);
        rw(Opcode.SEND_ZC, checkFd(Opcode.SEND_ZC, fd), buf.address(), len, 0L);
        opFlags(msgFlags);
        ioprio(zcFlags);
        return this;
    }

    /**
     * IORING_OP_SEND_ZC to {@code addr} (a sockaddr from {@link SocketAddresses#allocate}): a
     * zero-copy sendto(2) on an unconnected datagram socket. CQEs as {@link #prepSendZc}.
     */
    public Sqe prepSendZcTo(int fd, MemorySegment buf, int msgFlags, int zcFlags, MemorySegment addr) {
        checkSize(Opcode.SEND_ZC, "sockaddr", addr, 2);
        prepSendZc(fd, buf, msgFlags, zcFlags);
        sqes.set(JAVA_LONG, base + IoUringSqe.OFF, addr.address());
        putTail16(IoUringSqe.FILE_INDEX, (int) Math.min(addr.byteSize(), SocketAddresses.STORAGE_SIZE));
        return this;
    }

    /**
     * IORING_OP_SEND to {@code addr}: sendto(2) (Linux 6.6; older kernels answer -EINVAL). An
     * unconnected datagram socket on any kernel: {@link #prepSendmsg} with a {@link MsgHdr} naming the address.
     */
    public Sqe prepSendto(int fd, MemorySegment buf, int msgFlags, MemorySegment addr) {
        checkSize(Opcode.SEND, "sockaddr", addr, 2);
        prepSend(fd, buf, msgFlags);
        sqes.set(JAVA_LONG, base + IoUringSqe.OFF, addr.address());
        putTail16(IoUringSqe.FILE_INDEX, (int) Math.min(addr.byteSize(), SocketAddresses.STORAGE_SIZE));
        return this;
    }

    /**
     * The destination of a SEND or SEND_ZC prepared by {@link #prepSendto} or {@link #prepSendZcTo}
     * (addr2 and addr_len), or {@link MemorySegment#NULL} when it has none, for submission filters.
     */
    public MemorySegment sendDestination() {
        long a = off();
        int len = Short.toUnsignedInt(sqes.get(JAVA_SHORT, base + IoUringSqe.FILE_INDEX));
        if (a == 0 || len == 0) {
            return MemorySegment.NULL;
        }
        return MemorySegment.ofAddress(a).reinterpret(len);
    }

    /**
     * IORING_OP_SENDMSG of the {@link MsgHdr} {@code msghdr} (its memory, the address and the
     * iovecs must outlive the op): sendmsg(2); res is the bytes sent.
     */
    public Sqe prepSendmsg(int fd, MemorySegment msghdr, int msgFlags) {
        checkSize(Opcode.SENDMSG, "msghdr", msghdr, MsgHdr.SIZE);
        rw(Opcode.SENDMSG, checkFd(Opcode.SENDMSG, fd), msghdr.address(), 1, 0L);
        opFlags(msgFlags);
        return this;
    }

    /**
     * IORING_OP_SENDMSG_ZC: {@link #prepSendmsg} without a copy. Two CQEs, as {@link #prepSendZc}:
     * the result (with F_MORE when a notification follows) and then the notification (F_NOTIF),
     * before which neither the data nor the header may be reused or freed.
     */
    public Sqe prepSendmsgZc(int fd, MemorySegment msghdr, int msgFlags, int zcFlags) {
        checkSize(Opcode.SENDMSG_ZC, "msghdr", msghdr, MsgHdr.SIZE);
        rw(Opcode.SENDMSG_ZC, checkFd(Opcode.SENDMSG_ZC, fd), msghdr.address(), 1, 0L);
        opFlags(msgFlags);
        ioprio(zcFlags);
        return this;
    }

    /**
     * IORING_OP_RECVMSG into the iovecs of {@link MsgHdr} {@code msghdr}: recvmsg(2); the sender's
     * address goes to its name buffer, msg_flags (MSG_TRUNC) to the header. res is the bytes received
     * (the datagram's full length with {@code msgFlags} {@link SocketFlags#MSG_TRUNC}).
     */
    public Sqe prepRecvmsg(int fd, MemorySegment msghdr, int msgFlags) {
        checkSize(Opcode.RECVMSG, "msghdr", msghdr, MsgHdr.SIZE);
        rw(Opcode.RECVMSG, checkFd(Opcode.RECVMSG, fd), msghdr.address(), 1, 0L);
        opFlags(msgFlags);
        return this;
    }

    /**
     * IORING_OP_RECVMSG, multishot (Linux 6.0), into buffers picked from provided group {@code group}:
     * a CQE (with F_MORE and a buffer id) per datagram, each buffer laid out as {@link RecvmsgOut}
     * reads it with {@code template} ({@link MsgHdr#multishotTemplate}), which must outlive the op.
     * With {@code msgFlags} {@link SocketFlags#MSG_TRUNC}, {@link RecvmsgOut#payloadLength} is the
     * datagram's full length also when the buffer had no room for all of it.
     */
    public Sqe prepRecvmsgMultishot(int fd, MemorySegment template, int group, int msgFlags) {
        checkSize(Opcode.RECVMSG, "msghdr", template, MsgHdr.SIZE);
        checkGroup(group);
        rw(Opcode.RECVMSG, checkFd(Opcode.RECVMSG, fd), template.address(), 1, 0L);
        opFlags(msgFlags);
        ioprio(IoUringConstants.IORING_RECV_MULTISHOT);
        bufferGroup(group);
        return addFlags(SqeFlags.BUFFER_SELECT);
    }

    /** IORING_OP_SHUTDOWN; {@code how} as shutdown(2): 0 read, 1 write, 2 both. */
    public Sqe prepShutdown(int fd, int how) {
        if (how < 0 || how > 2) {
            throw new IllegalArgumentException("SHUTDOWN: how must be 0 (SHUT_RD), 1 (SHUT_WR) or 2 (SHUT_RDWR), got " + how);
        }
        rw(Opcode.SHUTDOWN, checkFd(Opcode.SHUTDOWN, fd), 0L, how, 0L);
        return this;
    }

    /** IORING_OP_SPLICE of {@code len} bytes; offsets -1 for pipes or the file position. */
    public Sqe prepSplice(int fdIn, long offIn, int fdOut, long offOut, int len, int spliceFlags) {
        if (len < 0) {
            throw new IllegalArgumentException("SPLICE: length must not be negative, got " + len);
        }
        int in = checkFd(Opcode.SPLICE, fdIn);
        rw(Opcode.SPLICE, checkFd(Opcode.SPLICE, fdOut), checkOffset(Opcode.SPLICE, offIn), len,
                checkOffset(Opcode.SPLICE, offOut));
        fileIndex(in);
        opFlags(spliceFlags);
        return this;
    }

    /**
     * IORING_OP_MSG_RING (IORING_MSG_DATA): posts a CQE with {@code res} and {@code userData} on
     * the ring {@code targetRingFd}.
     */
    public Sqe prepMsgRing(int targetRingFd, int res, long userData, int msgRingFlags) {
        rw(Opcode.MSG_RING, checkFd(Opcode.MSG_RING, targetRingFd), IoUringConstants.IORING_MSG_DATA, res, userData);
        sqes.set(JAVA_INT, base + IoUringSqe.OP_FLAGS, msgRingFlags);
        return this;
    }

    /**
     * IORING_OP_MSG_RING (IORING_MSG_SEND_FD): installs this ring's fixed file {@code srcSlot}
     * into slot {@code dstSlot} (or {@link FileIndex#ALLOC}) of the ring {@code targetRingFd}.
     * With {@code msgRingFlags} {@link MsgRingFlags#CQE_SKIP} the target posts no CQE.
     */
    public Sqe prepMsgRingFd(int targetRingFd, int srcSlot, int dstSlot, long targetUserData, int msgRingFlags) {
        int src = checkSlot(Opcode.MSG_RING, srcSlot);
        int dst = directIndex(Opcode.MSG_RING, dstSlot);
        rw(Opcode.MSG_RING, checkFd(Opcode.MSG_RING, targetRingFd), IoUringConstants.IORING_MSG_SEND_FD, 0,
                targetUserData);
        addr3(src);
        fileIndex(dst);
        sqes.set(JAVA_INT, base + IoUringSqe.OP_FLAGS, msgRingFlags);
        return this;
    }

    /**
     * IORING_OP_FILES_UPDATE: sets file-table slots from {@code offset} to the fds in {@code fds}
     * (an int array in native memory; -1 clears); offset {@link FileIndex#ALLOC} lets the kernel
     * pick slots and write them back into {@code fds}.
     */
    public Sqe prepFilesUpdate(MemorySegment fds, int count, int offset) {
        checkSize(Opcode.FILES_UPDATE, "fd array", fds, 4L * count);
        if (count <= 0) {
            throw new IllegalArgumentException("FILES_UPDATE: count must be positive, got " + count);
        }
        long off = offset == FileIndex.ALLOC ? Integer.toUnsignedLong(IoUringConstants.IORING_FILE_INDEX_ALLOC)
                : checkSlot(Opcode.FILES_UPDATE, offset);
        rw(Opcode.FILES_UPDATE, -1, fds.address(), count, off);
        return this;
    }

    /** IORING_OP_FIXED_FD_INSTALL: res is a regular fd for fixed slot {@code slot}. */
    public Sqe prepFixedFdInstall(int slot, boolean closeOnExec) {
        rw(Opcode.FIXED_FD_INSTALL, checkSlot(Opcode.FIXED_FD_INSTALL, slot), 0L, 0, 0L);
        opFlags(closeOnExec ? 0 : IoUringConstants.IORING_FIXED_FD_NO_CLOEXEC);
        return flags(SqeFlags.FIXED_FILE);
    }

    /**
     * IORING_OP_RECV, single-shot, into one buffer picked from provided group {@code group}: the
     * CQE names the buffer ({@link CqeFlags#bufferId(int)}); res 0 means the peer closed.
     */
    public Sqe prepRecvSelect(int fd, int group, int msgFlags) {
        checkGroup(group);
        rw(Opcode.RECV, checkFd(Opcode.RECV, fd), 0L, 0, 0L);
        opFlags(msgFlags);
        bufferGroup(group);
        return addFlags(SqeFlags.BUFFER_SELECT);
    }
}
