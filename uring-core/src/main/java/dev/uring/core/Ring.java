package dev.uring.core;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

import dev.uring.core.ffi.Errno;
import dev.uring.core.ffi.IoUringBufRingLayout;
import dev.uring.core.ffi.IoUringConstants;
import dev.uring.core.ffi.IoUringCqe;
import dev.uring.core.ffi.IoUringGeteventsArg;
import dev.uring.core.ffi.IoUringParams;
import dev.uring.core.ffi.IoUringRestriction;
import dev.uring.core.ffi.IoUringRsrc;
import dev.uring.core.ffi.IoUringSqe;
import dev.uring.core.ffi.IoVecLayout;
import dev.uring.core.ffi.Native;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One io_uring instance: the SQ and CQ mapped into this process, SQE preparation through a
 * {@link Sqe} flyweight, submission, waiting, CQE reaping and registration.
 *
 * <p>Not thread-safe: one thread prepares, submits and reaps (with {@link SetupFlags#SINGLE_ISSUER},
 * the thread that opened or enabled the ring). The ring owns its fd and mappings; {@link #close()}
 * releases them, after which every use fails with {@link IllegalStateException}.
 */
public final class Ring implements AutoCloseable {
    private static final VarHandle INT = JAVA_INT.varHandle();

    private final Arena arena;
    private final int fd;
    private final int flags;
    private final int features;
    private final int sqEntries;
    private final int cqEntries;
    private final MemorySegment sqRing;
    private final MemorySegment cqRing;
    private final MemorySegment sqes;
    private final long sqHeadOff;
    private final long sqTailOff;
    private final long sqFlagsOff;
    private final int sqMask;
    private final long cqHeadOff;
    private final long cqTailOff;
    private final long cqesOff;
    private final int cqMask;
    private final long cqOverflowOff;
    private final MemorySegment waitArg;
    private final Sqe sqe;
    private final SubmissionFilter[] filters;
    private final List<RingCustomizer> customizers;
    private final Map<Long, String> denials = new HashMap<>();
    private int enterFd;
    private @Nullable Thread ringFdOwner;
    private int enterFlags;
    private int sqeTail;
    private int sqeHeadCache;
    private int filteredTail;
    private @Nullable SubmissionObserver observer;
    private int observedTail;
    private long cqOverflowEvents;
    private int cqHeadLocal;
    private boolean enabled;
    private boolean closed;
    private @Nullable MemorySegment @Nullable [] registeredBuffers;

    private Ring(Arena arena, int fd, MemorySegment params, MemorySegment sqRing, MemorySegment cqRing,
            MemorySegment sqes, List<SubmissionFilter> filters, List<RingCustomizer> customizers) {
        this.arena = arena;
        this.fd = fd;
        this.enterFd = fd;
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
        this.waitArg = arena.allocate(IoUringGeteventsArg.SIZE_WITH_TIMESPEC, 8);
        this.sqe = new Sqe(this, sqes);
        this.customizers = List.copyOf(customizers);
        this.filters = filters.stream().filter(f -> f != SubmissionFilter.ALLOW_ALL).toArray(SubmissionFilter[]::new);
        this.sqeTail = (int) INT.getAcquire(sqRing, sqTailOff);
        this.sqeHeadCache = (int) INT.getAcquire(sqRing, sqHeadOff);
        this.filteredTail = sqeTail;
        this.cqHeadLocal = (int) INT.getAcquire(cqRing, cqHeadOff);
        this.enabled = (flags & SetupFlags.R_DISABLED) == 0;
    }

    /**
     * Opens a ring. When customizers are given or captured from {@link RingSetupHook}s, the ring
     * is set up {@link SetupFlags#R_DISABLED}, customized, then enabled on the calling thread
     * (unless the options themselves ask for R_DISABLED, which leaves enabling to the caller).
     *
     * @throws IllegalArgumentException when the options break a kernel rule (the message names it)
     * @throws IOException when the kernel refuses the ring; see {@link IoUring#unavailabilityCause()}
     */
    public static Ring open(RingOptions options) throws IOException {
        options.validate();
        List<RingCustomizer> customizers = new ArrayList<>(options.customizers());
        if (options.setupHooks()) {
            customizers.addAll(SetupHooks.capture(options));
        }
        int setupFlags = options.flags();
        boolean callerEnables = (setupFlags & SetupFlags.R_DISABLED) != 0;
        if (!customizers.isEmpty()) {
            setupFlags |= SetupFlags.R_DISABLED;
        }
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
            Ring ring = map(arena, fd, params, customizers);
            try {
                ring.afterSetup(options, customizers, callerEnables);
            } catch (IOException | RuntimeException e) {
                ring.close();
                throw e;
            }
            return ring;
        } catch (IOException | RuntimeException e) {
            if (arena.scope().isAlive()) {
                if (fd >= 0) {
                    Native.close(fd);
                }
                arena.close();
            }
            throw e;
        }
    }

    private static Ring map(Arena arena, int fd, MemorySegment params, List<RingCustomizer> customizers)
            throws IOException {
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
        List<SubmissionFilter> filters = new ArrayList<>();
        for (RingCustomizer c : customizers) {
            filters.add(c.submissionFilter());
        }
        return new Ring(arena, fd, params, sqRing, cqRing, sqes, filters, customizers);
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

    private void afterSetup(RingOptions options, List<RingCustomizer> customizers, boolean callerEnables)
            throws IOException {
        if (options.ioWqBounded() > 0 || options.ioWqUnbounded() > 0) {
            ioWqMaxWorkers(options.ioWqBounded(), options.ioWqUnbounded());
        }
        if (options.registerRingFd()) {
            registerRingFd();
        }
        for (RingCustomizer c : customizers) {
            c.beforeEnable(this);
        }
        if (!customizers.isEmpty() && !callerEnables) {
            enable();
        }
    }

    // ------------------------------------------------------------------ properties

    /** The ring's file descriptor. */
    public int fd() {
        return fd;
    }

    /** The setup flags the kernel accepted. */
    public int flags() {
        return flags;
    }

    /** The {@code IORING_FEAT_*} bits the kernel reported. */
    public int features() {
        return features;
    }

    /** The number of SQ entries (a power of two). */
    public int sqEntries() {
        return sqEntries;
    }

    /** The number of CQ entries. */
    public int cqEntries() {
        return cqEntries;
    }

    /** Whether the ring is enabled (not {@code R_DISABLED} or since {@link #enable()}). */
    public boolean isEnabled() {
        return enabled;
    }

    /** Whether {@link #close()} was called. */
    public boolean isClosed() {
        return closed;
    }

    // ------------------------------------------------------------------ submission

    /**
     * Claims the next free SQE, zeroed, for one {@code prep...} call.
     *
     * @throws IllegalStateException when the SQ is full (submit first) or the ring is closed
     */
    public Sqe nextSqe() {
        ensureOpen();
        Sqe s = sqe;
        if (s.unprepared()) {
            // the previous claim's prep threw: reuse its slot rather than submit a zeroed SQE
            // (a NOP with user_data 0, which an event loop would take for its own wake-up read)
            return s.claim(s.slot());
        }
        int tail = sqeTail;
        if (tail - sqeHeadCache >= sqEntries) {
            sqeHeadCache = (int) INT.getAcquire(sqRing, sqHeadOff);
            if (tail - sqeHeadCache >= sqEntries) {
                throw new IllegalStateException("submission queue full (" + sqEntries
                        + " entries): submit() before preparing more");
            }
        }
        sqeTail = tail + 1;
        return s.claim(tail & sqMask);
    }

    /** How many SQEs can be claimed before the SQ is full. */
    public int sqSpaceLeft() {
        ensureOpen();
        sqeHeadCache = (int) INT.getAcquire(sqRing, sqHeadOff);
        return sqEntries - (sqeTail - sqeHeadCache) + (unpreparedClaim() ? 1 : 0);
    }

    /** How many prepared SQEs the kernel has not consumed yet. */
    public int sqReady() {
        ensureOpen();
        return sqeTail - (int) INT.getAcquire(sqRing, sqHeadOff) - (unpreparedClaim() ? 1 : 0);
    }

    private boolean unpreparedClaim() {
        return sqe.unprepared();
    }

    /**
     * Hands the prepared SQEs to the kernel without waiting for completions.
     *
     * @return the number of SQEs the kernel consumed
     */
    public int submit() throws IOException {
        int toSubmit = publish();
        int enter = enterFlags;
        if ((flags & SetupFlags.DEFER_TASKRUN) != 0 || cqNeedsFlush()) {
            enter |= IoUringConstants.IORING_ENTER_GETEVENTS;
        }
        if ((flags & SetupFlags.SQPOLL) != 0) {
            // the tail store must be visible before NEED_WAKEUP is read (the kernel thread sets the flag,
            // fences, then rereads the tail): release/acquire alone lets the load pass the store
            VarHandle.fullFence();
            if ((sqFlags() & IoUringConstants.IORING_SQ_NEED_WAKEUP) == 0 && (enter & IoUringConstants.IORING_ENTER_GETEVENTS) == 0) {
                return toSubmit;
            }
            enter |= IoUringConstants.IORING_ENTER_SQ_WAKEUP;
        }
        if (toSubmit == 0 && (enter & IoUringConstants.IORING_ENTER_GETEVENTS) == 0) {
            return 0;
        }
        return enter(toSubmit, 0, enter, 0L, 0L);
    }

    /**
     * Submits the prepared SQEs and waits until at least {@code waitNr} CQEs are ready.
     *
     * @return the number of SQEs the kernel consumed
     */
    public int submitAndWait(int waitNr) throws IOException {
        if (waitNr < 0) {
            throw new IllegalArgumentException("waitNr must not be negative, got " + waitNr);
        }
        int toSubmit = publish();
        int enter = enterFlags | IoUringConstants.IORING_ENTER_GETEVENTS;
        if ((flags & SetupFlags.SQPOLL) != 0) {
            enter |= IoUringConstants.IORING_ENTER_SQ_WAKEUP;
        }
        return enter(toSubmit, waitNr, enter, 0L, 0L);
    }

    /**
     * Submits the prepared SQEs and waits until {@code waitNr} CQEs are ready or
     * {@code timeoutNanos} pass (an EXT_ARG timeout: no SQE is spent on it).
     *
     * @return the number of SQEs the kernel consumed; a timeout is not an error
     */
    public int submitAndWait(int waitNr, long timeoutNanos) throws IOException {
        if (waitNr < 0 || timeoutNanos < 0) {
            throw new IllegalArgumentException("waitNr and timeoutNanos must not be negative: " + waitNr + ", "
                    + timeoutNanos);
        }
        if ((features & IoUringConstants.IORING_FEAT_EXT_ARG) == 0) {
            throw new UnsupportedOperationException("this kernel lacks IORING_FEAT_EXT_ARG (Linux 5.11+) for timed waits");
        }
        int toSubmit = publish();
        IoUringGeteventsArg.setTimeout(waitArg, timeoutNanos);
        int enter = enterFlags | IoUringConstants.IORING_ENTER_GETEVENTS | IoUringConstants.IORING_ENTER_EXT_ARG;
        if ((flags & SetupFlags.SQPOLL) != 0) {
            // a sleeping SQ thread would leave the new SQEs unconsumed for the whole wait
            enter |= IoUringConstants.IORING_ENTER_SQ_WAKEUP;
        }
        return enter(toSubmit, waitNr, enter, waitArg.address(), IoUringGeteventsArg.SIZE);
    }

    private int enter(int toSubmit, int waitNr, int enterFlags, long arg, long argSize) throws IOException {
        int efd = enterFd;
        if (efd != fd && Thread.currentThread() != ringFdOwner) {
            // registered ring fds are per thread: another thread must name the ring by its real fd
            efd = fd;
            enterFlags &= ~IoUringConstants.IORING_ENTER_REGISTERED_RING;
        }
        while (true) {
            int r = Native.ioUringEnter(efd, toSubmit, waitNr, enterFlags, arg, argSize);
            if (r >= 0) {
                return r;
            }
            int errno = -r;
            if (errno == Errno.EINTR) {
                continue;
            }
            if (errno == Errno.ETIME) {
                return 0;
            }
            throw enterFailure(errno);
        }
    }

    private IOException enterFailure(int errno) {
        if (errno == Errno.EBADFD && !enabled) {
            return new UringException(errno, "io_uring_enter", "ring fd " + fd,
                    "io_uring_enter on ring fd " + fd + " failed: EBADFD (the ring is R_DISABLED: enable() it first)");
        }
        return new UringException(errno, "io_uring_enter", "ring fd " + fd);
    }

    /** Runs the submission filters over new SQEs, then publishes the SQ tail (release). */
    private int publish() {
        ensureOpen();
        if (unpreparedClaim()) {
            sqeTail--;
            sqe.abandon();
        }
        int tail = sqeTail;
        SubmissionObserver o = observer;
        if (o != null) {
            // before the filters: a refused SQE is rewritten, and its op is the one asked for
            for (int t = observedTail; t != tail; t++) {
                int slot = t & sqMask;
                o.submitted(sqe.opcodeAt(slot), sqe.userDataAt(slot));
            }
            observedTail = tail;
        }
        if (filters.length > 0) {
            for (int t = filteredTail; t != tail; t++) {
                applyFilters(sqe.at(t & sqMask));
            }
            filteredTail = tail;
        }
        INT.setRelease(sqRing, sqTailOff, tail);
        return tail - (int) INT.getAcquire(sqRing, sqHeadOff);
    }

    private void applyFilters(Sqe s) {
        for (SubmissionFilter f : filters) {
            String reason;
            try {
                reason = f.check(s);
            } catch (RuntimeException e) {
                // fail closed: a filter that cannot judge an SQE (a null path or sockaddr) refuses it;
                // a throw from here would leave filteredTail behind and wedge every later submit
                reason = s.opcode() + " denied: its arguments cannot be checked (" + e.getMessage() + ")";
            }
            if (reason != null) {
                long userData = s.userDataValue();
                denials.put(userData, reason);
                s.denyWithEacces();
                return;
            }
        }
    }

    /**
     * Explains a CQE of {@code op} that completed with {@code -EACCES}: the reason a
     * {@link SubmissionFilter} refused it, or else what a {@link RingCustomizer} (a policy) says of
     * the kernel's refusal, the customizer being told for audit. Forgets the filter's record. Null
     * when nothing restricts this ring. Call it for every such CQE on a restricted ring.
     */
    public @Nullable String accessDenied(Opcode op, long userData) {
        String reason = denials.isEmpty() ? null : denials.remove(userData);
        if (reason != null) {
            return reason;
        }
        for (RingCustomizer c : customizers) {
            try {
                String r = c.completionDenied(this, op);
                if (r != null) {
                    return r;
                }
            } catch (RuntimeException e) {
                // an audit hook must not change what the caller sees
            }
        }
        return null;
    }

    /**
     * Why the SQE with {@code userData} was refused by a {@link SubmissionFilter}, and forgets it;
     * null when no filter refused it.
     */
    public @Nullable String denialReason(long userData) {
        return denials.isEmpty() ? null : denials.remove(userData);
    }

    // ------------------------------------------------------------------ completion

    /**
     * Hands every ready CQE to {@code consumer}, oldest first, then releases them to the kernel.
     * The CQ head is published in a {@code finally}, so a throwing consumer loses no CQE but its own.
     * With CQ overflow pending (FEAT_NODROP), the overflowed CQEs are flushed in and reaped too.
     *
     * @return the number of CQEs handled
     */
    public int reapCqes(CqeConsumer consumer) throws IOException {
        ensureOpen();
        int total = 0;
        boolean overflowSeen = false;
        while (true) {
            total += drain(consumer);
            int sqFlags = sqFlags();
            if ((sqFlags & (IoUringConstants.IORING_SQ_CQ_OVERFLOW | IoUringConstants.IORING_SQ_TASKRUN)) == 0) {
                return total;
            }
            if (!overflowSeen && (sqFlags & IoUringConstants.IORING_SQ_CQ_OVERFLOW) != 0) {
                // one event per reap that found CQEs waiting in the kernel's overflow list
                overflowSeen = true;
                cqOverflowEvents++;
            }
            // overflowed CQEs wait in the kernel until the CQ has room and we ask for them
            enter(0, 0, enterFlags | IoUringConstants.IORING_ENTER_GETEVENTS, 0L, 0L);
            if (cqReadyRaw() == 0) {
                return total;
            }
        }
    }

    private int drain(CqeConsumer consumer) {
        int head = cqHeadLocal;
        int tail = (int) INT.getAcquire(cqRing, cqTailOff);
        int n = 0;
        MemorySegment cq = cqRing;
        try {
            while (head != tail) {
                long off = cqesOff + (long) (head & cqMask) * IoUringCqe.SIZE;
                // the CQ ring is page aligned: unaligned layouts spare each read an alignment test
                long userData = cq.get(JAVA_LONG_UNALIGNED, off + IoUringCqe.USER_DATA);
                int res = cq.get(JAVA_INT_UNALIGNED, off + IoUringCqe.RES);
                int cqeFlags = cq.get(JAVA_INT_UNALIGNED, off + IoUringCqe.FLAGS);
                head++;
                n++;
                if (!denials.isEmpty() && denials.containsKey(userData)) {
                    // the NOP standing in for a refused SQE: kernels before IORING_NOP_INJECT_RESULT
                    // complete it with -EINVAL (6.1) or 0; it always means -EACCES
                    res = -Errno.EACCES;
                }
                consumer.accept(userData, res, cqeFlags);
            }
        } finally {
            cqHeadLocal = head;
            INT.setRelease(cq, cqHeadOff, head);
        }
        return n;
    }

    /** How many CQEs are ready in the CQ (not counting overflow held by the kernel). */
    public int cqReady() {
        ensureOpen();
        return cqReadyRaw();
    }

    private int cqReadyRaw() {
        return (int) INT.getAcquire(cqRing, cqTailOff) - cqHeadLocal;
    }

    /** The CQ overflow counter: CQEs the kernel had to drop (0 with FEAT_NODROP unless memory ran out). */
    public int cqOverflowCount() {
        ensureOpen();
        return (int) INT.getAcquire(cqRing, cqOverflowOff);
    }

    /**
     * How many times a {@link #reapCqes} found the CQ overflowed: CQEs that did not fit waited in the
     * kernel's overflow list (FEAT_NODROP) until reaped. Each such reap counts once, however many
     * CQEs overflowed. A plain counter of the owning thread; another thread may read a stale value.
     */
    public long cqOverflowEvents() {
        return cqOverflowEvents;
    }

    /**
     * Calls {@code observer} (or stops calling, with null) for every SQE this ring publishes from now
     * on, with its opcode and user_data, before any {@link SubmissionFilter} sees it. The owning
     * thread only; for statistics (an event loop's {@code LoopStats}).
     */
    public void observeSubmissions(@Nullable SubmissionObserver observer) {
        ensureOpen();
        this.observer = observer;
        // from the last published tail (a word only this thread writes): SQEs prepared but not yet
        // published are observed at their publish
        this.observedTail = (int) INT.getAcquire(sqRing, sqTailOff);
    }

    private boolean cqNeedsFlush() {
        return (sqFlags() & (IoUringConstants.IORING_SQ_CQ_OVERFLOW | IoUringConstants.IORING_SQ_TASKRUN)) != 0;
    }

    private int sqFlags() {
        return (int) INT.getAcquire(sqRing, sqFlagsOff);
    }

    // ------------------------------------------------------------------ registration

    /** The one funnel for io_uring_register on this ring: the result, or an exception naming the op. */
    int register(RegisterOp op, long arg, int nrArgs) throws IOException {
        ensureOpen();
        int registerFd = fd;
        int code = op.code();
        int r = Native.ioUringRegister(registerFd, code, arg, nrArgs);
        if (r < 0) {
            throw registerFailure(op, -r);
        }
        return r;
    }

    private IOException registerFailure(RegisterOp op, int errno) {
        String operation = "io_uring_register(" + op + ")";
        if (errno == Errno.EACCES && enabled) {
            String reason = operation + ": EACCES (the ring's restrictions do not allow register op " + op + ")";
            for (RingCustomizer c : customizers) {
                try {
                    c.registerDenied(this, op, reason);
                } catch (RuntimeException e) {
                    // an audit hook must not change what the caller sees
                }
            }
            return new java.nio.file.AccessDeniedException("ring fd " + fd, null, reason);
        }
        if (errno == Errno.ENOMEM && (op == RegisterOp.BUFFERS || op == RegisterOp.BUFFERS2)) {
            return new UringException(errno, operation, "ring fd " + fd,
                    operation + " failed: ENOMEM; " + IoUring.memlockAdvice());
        }
        return Errors.toException(errno, operation, "ring fd " + fd);
    }

    /**
     * Whether the ring's customizers (policies) refuse the framework doing with a plain syscall what
     * {@code op} would do, on a kernel that lacks {@code op}: the reason, or null when allowed.
     */
    public @Nullable String fallbackDenied(Opcode op) {
        for (RingCustomizer c : customizers) {
            String why = c.fallbackDenied(this, op);
            if (why != null) {
                return why;
            }
        }
        return null;
    }

    /**
     * Registers restrictions (IORING_REGISTER_RESTRICTIONS); only on an {@code R_DISABLED} ring,
     * once. After {@link #enable()} the kernel refuses every SQE op, register op and SQE flag the
     * list does not allow (on Linux 6.18 a list with no register op denies them all, and vice versa).
     */
    public void registerRestrictions(List<Restriction> restrictions) throws IOException {
        if (enabled) {
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

    /**
     * Enables an {@code R_DISABLED} ring (IORING_REGISTER_ENABLE_RINGS). With SINGLE_ISSUER the
     * calling thread becomes the ring's only submitter.
     */
    public void enable() throws IOException {
        if (enabled) {
            throw new IllegalStateException("ring fd " + fd + " is already enabled");
        }
        register(RegisterOp.ENABLE_RINGS, 0L, 0);
        enabled = true;
    }

    /** Registers a sparse fixed-file table of {@code nr} empty slots (IORING_REGISTER_FILES2). */
    public void registerFilesSparse(int nr) throws IOException {
        if (nr <= 0) {
            throw new IllegalArgumentException("a file table needs at least one slot, got " + nr);
        }
        try (Arena a = Arena.ofConfined()) {
            MemorySegment reg = a.allocate(IoUringRsrc.SIZE, 8);
            IoUringRsrc.register(reg, nr, IoUringConstants.IORING_RSRC_REGISTER_SPARSE, 0L, 0L);
            register(RegisterOp.FILES2, reg.address(), IoUringRsrc.SIZE);
        }
    }

    /**
     * Sets slots {@code offset..offset+fds.length-1} of the file table (IORING_REGISTER_FILES_UPDATE2):
     * an fd installs it, -1 clears the slot, -2 leaves it.
     *
     * @return the number of slots updated
     */
    public int updateFiles(int offset, int... fds) throws IOException {
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

    /** Removes the fixed-file table (IORING_UNREGISTER_FILES). */
    public void unregisterFiles() throws IOException {
        register(RegisterOp.UNREGISTER_FILES, 0L, 0);
    }

    /**
     * Confines kernel-side slot allocation ({@code IORING_FILE_INDEX_ALLOC}) to
     * {@code [offset, offset+length)} (IORING_REGISTER_FILE_ALLOC_RANGE).
     */
    public void registerFileAllocRange(int offset, int length) throws IOException {
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

    /**
     * Registers {@code buffers} as fixed buffers 0..n-1 (IORING_REGISTER_BUFFERS) for
     * READ_FIXED/WRITE_FIXED. The caller keeps them alive until {@link #unregisterBuffers()} or close.
     */
    public void registerBuffers(MemorySegment... buffers) throws IOException {
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

    /** Unregisters the fixed buffers (IORING_UNREGISTER_BUFFERS). */
    public void unregisterBuffers() throws IOException {
        register(RegisterOp.UNREGISTER_BUFFERS, 0L, 0);
        registeredBuffers = null;
    }

    /** The fixed buffer at {@code index}, for READ_FIXED/WRITE_FIXED validation. */
    MemorySegment registeredBuffer(int index) {
        MemorySegment[] bufs = registeredBuffers;
        if (bufs == null) {
            throw new IllegalStateException("ring fd " + fd + " has no registered buffers");
        }
        if (index < 0 || index >= bufs.length) {
            throw new IllegalArgumentException("fixed buffer index " + index + " out of range 0.." + (bufs.length - 1));
        }
        return bufs[index];
    }

    /**
     * Registers a provided buffer ring (IORING_REGISTER_PBUF_RING) of {@code entries} (a power of
     * two) at {@code ringMemory} (page aligned) as buffer group {@code group}. Prefer
     * {@link dev.uring.core.buffers.ProvidedBufferRing}, which owns that memory.
     */
    public void registerBufferRing(MemorySegment ringMemory, int entries, int group) throws IOException {
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

    /** Unregisters provided buffer group {@code group} (IORING_UNREGISTER_PBUF_RING). */
    public void unregisterBufferRing(int group) throws IOException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment reg = a.allocate(IoUringBufRingLayout.REG_SIZE, 8);
            IoUringBufRingLayout.reg(reg, 0L, 0, group, 0);
            register(RegisterOp.UNREGISTER_PBUF_RING, reg.address(), 1);
        }
    }

    /**
     * Registers this ring's fd (IORING_REGISTER_RING_FDS) so that io_uring_enter skips the fd lookup.
     * The registration belongs to the calling thread (the kernel keeps it per task): other threads
     * still enter by the plain fd, and {@link #close()} should run on this thread to drop it at once.
     */
    public void registerRingFd() throws IOException {
        if (enterFd != fd) {
            return;
        }
        try (Arena a = Arena.ofConfined()) {
            MemorySegment upd = a.allocate(IoUringRsrc.SIZE, 8);
            upd.set(JAVA_INT, 0, -1); // offset -1: any free registered-ring slot
            upd.set(JAVA_LONG, 8, fd);
            register(RegisterOp.RING_FDS, upd.address(), 1);
            enterFd = upd.get(JAVA_INT, 0);
            enterFlags |= IoUringConstants.IORING_ENTER_REGISTERED_RING;
            ringFdOwner = Thread.currentThread();
        }
    }

    /** Whether the ring fd is registered (IORING_REGISTER_RING_FDS) and io_uring_enter uses the registered index. */
    public boolean isRingFdRegistered() {
        return enterFd != fd;
    }

    /** The registered ring index io_uring_enter uses, or -1 when the fd is not registered. */
    int registeredRingIndex() {
        return enterFd != fd ? enterFd : -1;
    }

    private void unregisterRingFd() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment upd = a.allocate(IoUringRsrc.SIZE, 8);
            upd.set(JAVA_INT, 0, enterFd);
            // best effort: from another thread than the registering one the kernel cannot find the slot
            Native.ioUringRegister(fd, RegisterOp.UNREGISTER_RING_FDS.code(), upd.address(), 1);
            enterFd = fd;
            enterFlags &= ~IoUringConstants.IORING_ENTER_REGISTERED_RING;
        }
    }

    /**
     * Caps this ring's io-wq workers (IORING_REGISTER_IOWQ_MAX_WORKERS); 0 leaves a limit as is.
     *
     * @return the previous limits, {bounded, unbounded}
     */
    public int[] ioWqMaxWorkers(int bounded, int unbounded) throws IOException {
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

    /** Asks the kernel which ops it supports (IORING_REGISTER_PROBE). */
    public Probe probe() throws IOException {
        return Probe.of(this);
    }

    // ------------------------------------------------------------------ lifetime

    void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("ring fd " + fd + " is closed");
        }
    }

    Arena arena() {
        return arena;
    }

    /**
     * Unmaps the rings and closes the fd. The kernel cancels what is still in flight; memory the
     * caller handed to in-flight ops must outlive their final CQE, which close does not wait for
     * (an {@code EventLoop} does). Idempotent.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (enterFd != fd) {
            // a registered ring fd holds its own reference to the ring: without this the ring (and
            // every op in flight) outlives close() until the registering thread exits
            unregisterRingFd();
        }
        Native.close(fd);
        arena.close();
    }

    @Override
    public String toString() {
        return "Ring[fd=" + fd + ", sq=" + sqEntries + ", cq=" + cqEntries + ", flags=" + SetupFlags.names(flags) + "]";
    }
}
