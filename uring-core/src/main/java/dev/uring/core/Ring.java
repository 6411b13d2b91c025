package dev.uring.core;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One io_uring instance: the SQ and CQ mapped into this process, SQE preparation through a
 * {@link Sqe} flyweight, submission, waiting, CQE reaping and registration.
 *
 * <p>Not thread-safe: one thread prepares, submits and reaps (with {@link SetupFlags#SINGLE_ISSUER},
 * the thread that opened or enabled the ring). The ring owns its fd and mappings; {@link #close()}
 * releases them, after which every use fails with {@link IllegalStateException}.
 *
 * <p>A facade over one small class per job, split the way liburing splits setup.c, queue.c and
 * register.c: {@link RingMapping} (setup, mmap, lifecycle), {@link SubmissionQueue} (claim, publish,
 * enter), {@link CompletionQueue} (reap), {@link Registrations} (io_uring_register), with
 * {@link RingEnter} the io_uring_enter funnel both queues share and {@link SubmissionGate} the
 * customizers' filters and their denials, present only on a ring that has filters.
 */
public final class Ring implements AutoCloseable {
    private final RingMapping m;
    private final RingEnter enter;
    private final SubmissionQueue sq;
    private final CompletionQueue cq;
    private final Registrations registrations;
    private final @Nullable SubmissionGate gate;
    private final List<RingCustomizer> customizers;

    private Ring(RingMapping m, List<RingCustomizer> customizers) {
        this.m = m;
        this.customizers = List.copyOf(customizers);
        this.enter = new RingEnter(m);
        this.gate = SubmissionGate.of(this.customizers);
        this.sq = new SubmissionQueue(m, enter, new Sqe(this, m.sqes), gate);
        this.cq = new CompletionQueue(m, enter, gate);
        this.registrations = new Registrations(this, m, enter, this.customizers);
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
        RingMapping mapping = RingMapping.setup(options, setupFlags);
        Ring ring;
        try {
            ring = new Ring(mapping, customizers);
        } catch (RuntimeException | Error e) {
            // the ring never came to own the mapping: nobody else would unmap it
            mapping.unmap();
            throw e;
        }
        try {
            ring.afterSetup(options, callerEnables);
        } catch (IOException | RuntimeException e) {
            ring.close();
            throw e;
        }
        return ring;
    }

    private void afterSetup(RingOptions options, boolean callerEnables) throws IOException {
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
        return m.fd;
    }

    /** The setup flags the kernel accepted. */
    public int flags() {
        return m.flags;
    }

    /** The {@code IORING_FEAT_*} bits the kernel reported. */
    public int features() {
        return m.features;
    }

    /** The number of SQ entries (a power of two). */
    public int sqEntries() {
        return m.sqEntries;
    }

    /** The number of CQ entries. */
    public int cqEntries() {
        return m.cqEntries;
    }

    /** Whether the ring is enabled (not {@code R_DISABLED} or since {@link #enable()}). */
    public boolean isEnabled() {
        return m.enabled;
    }

    /** Whether {@link #close()} was called. */
    public boolean isClosed() {
        return m.closed;
    }

    // ------------------------------------------------------------------ submission

    /**
     * Claims the next free SQE, zeroed, for one {@code prep...} call.
     *
     * @throws IllegalStateException when the SQ is full (submit first) or the ring is closed
     */
    public Sqe nextSqe() {
        return sq.next();
    }

    /** The next SQE to prepare, or null when the SQ is full (submit, then claim again); owning thread only. */
    public @Nullable Sqe tryNextSqe() {
        return sq.tryNext();
    }

    /** How many SQEs can be claimed before the SQ is full. */
    public int sqSpaceLeft() {
        return sq.spaceLeft();
    }

    /** How many prepared SQEs the kernel has not consumed yet. */
    public int sqReady() {
        return sq.ready();
    }

    /**
     * Hands the prepared SQEs to the kernel without waiting for completions.
     *
     * @return the number of SQEs the kernel consumed
     */
    public int submit() throws IOException {
        return sq.submit();
    }

    /**
     * Hands the prepared SQEs to the kernel without {@code IORING_ENTER_GETEVENTS} (unless the CQ has
     * overflowed), as liburing's {@code io_uring_submit} does: with {@link SetupFlags#DEFER_TASKRUN}
     * the completions' task work is left for the next wait, so more of them are posted together;
     * {@link #submit} runs it at once.
     *
     * @return the number of SQEs the kernel consumed
     */
    public int submitWithoutGetEvents() throws IOException {
        return sq.submit(false);
    }

    /**
     * Submits the prepared SQEs and waits until at least {@code waitNr} CQEs are ready.
     *
     * @return the number of SQEs the kernel consumed
     */
    public int submitAndWait(int waitNr) throws IOException {
        return sq.submitAndWait(waitNr);
    }

    /**
     * Submits the prepared SQEs and waits until {@code waitNr} CQEs are ready or
     * {@code timeoutNanos} pass (an EXT_ARG timeout: no SQE is spent on it).
     *
     * @return the number of SQEs the kernel consumed; a timeout is not an error
     */
    public int submitAndWait(int waitNr, long timeoutNanos) throws IOException {
        return sq.submitAndWait(waitNr, timeoutNanos);
    }

    /**
     * Explains a CQE of {@code op} that completed with {@code -EACCES}: the reason a
     * {@link SubmissionFilter} refused it, or else what a {@link RingCustomizer} (a policy) says of
     * the kernel's refusal, the customizer being told for audit. Null when nothing restricts this
     * ring. Ask while the CQE is dispatched or before the next {@link #reapCqes}: a filter's record
     * is forgotten then, whether or not anyone asked.
     */
    public @Nullable String accessDenied(Opcode op, long userData) {
        String reason = denialReason(userData);
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
     * Why the SQE with {@code userData} was refused by a {@link SubmissionFilter}; null when no
     * filter refused it. Known from its publish until the reap after the one that dispatched its CQE
     * (telling it once that CQE is dispatched forgets it sooner).
     */
    public @Nullable String denialReason(long userData) {
        SubmissionGate g = gate;
        return g == null ? null : g.reason(userData);
    }

    /** The mapped SQE array, for tests that read what a prep wrote. */
    MemorySegment sqes() {
        return m.sqes;
    }

    /** How many filter refusals this ring remembers; a test hook for their bound (none outlives the reap after its CQE). */
    int rememberedDenials() {
        SubmissionGate g = gate;
        return g == null ? 0 : g.remembered();
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
        return cq.reap(consumer);
    }

    /** How many CQEs are ready in the CQ (not counting overflow held by the kernel). */
    public int cqReady() {
        return cq.ready();
    }

    /** The CQ overflow counter: CQEs the kernel had to drop (0 with FEAT_NODROP unless memory ran out). */
    public int cqOverflowCount() {
        return cq.overflowCount();
    }

    /**
     * How many times a {@link #reapCqes} found the CQ overflowed: CQEs that did not fit waited in the
     * kernel's overflow list (FEAT_NODROP) until reaped. Each such reap counts once, however many
     * CQEs overflowed. A plain counter of the owning thread; another thread may read a stale value.
     */
    public long cqOverflowEvents() {
        return cq.overflowEvents();
    }

    /**
     * Calls {@code observer} (or stops calling, with null) for every SQE this ring publishes from now
     * on, with its opcode and user_data, before any {@link SubmissionFilter} sees it. The owning
     * thread only; for statistics (an event loop's {@code LoopStats}).
     */
    public void observeSubmissions(@Nullable SubmissionObserver observer) {
        sq.observe(observer);
    }

    // ------------------------------------------------------------------ registration

    /** The one funnel for io_uring_register on this ring: the result, or an exception naming the op. */
    int register(RegisterOp op, long arg, int nrArgs) throws IOException {
        return registrations.register(op, arg, nrArgs);
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
     * Whether a customizer (policy) of the ring may refuse or limit {@code op}: when not, the
     * framework may do a READ's work by a plain syscall where that is faster, and the ring's rules
     * are the same. Any thread.
     */
    public boolean mayRestrict(Opcode op) {
        for (RingCustomizer c : customizers) {
            if (c.mayRestrict(op)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Registers restrictions (IORING_REGISTER_RESTRICTIONS); only on an {@code R_DISABLED} ring,
     * once. After {@link #enable()} the kernel refuses every SQE op, register op and SQE flag the
     * list does not allow (on Linux 6.18 a list with no register op denies them all, and vice versa).
     */
    public void registerRestrictions(List<Restriction> restrictions) throws IOException {
        registrations.restrictions(restrictions);
    }

    /**
     * Enables an {@code R_DISABLED} ring (IORING_REGISTER_ENABLE_RINGS). With SINGLE_ISSUER the
     * calling thread becomes the ring's only submitter.
     */
    public void enable() throws IOException {
        registrations.enable();
    }

    /** Registers a sparse fixed-file table of {@code nr} empty slots (IORING_REGISTER_FILES2). */
    public void registerFilesSparse(int nr) throws IOException {
        registrations.filesSparse(nr);
    }

    /**
     * Sets slots {@code offset..offset+fds.length-1} of the file table (IORING_REGISTER_FILES_UPDATE2):
     * an fd installs it, -1 clears the slot, -2 leaves it.
     *
     * @return the number of slots updated
     */
    public int updateFiles(int offset, int... fds) throws IOException {
        return registrations.updateFiles(offset, fds);
    }

    /** Removes the fixed-file table (IORING_UNREGISTER_FILES). */
    public void unregisterFiles() throws IOException {
        registrations.unregisterFiles();
    }

    /**
     * Confines kernel-side slot allocation ({@code IORING_FILE_INDEX_ALLOC}) to
     * {@code [offset, offset+length)} (IORING_REGISTER_FILE_ALLOC_RANGE).
     */
    public void registerFileAllocRange(int offset, int length) throws IOException {
        registrations.fileAllocRange(offset, length);
    }

    /**
     * Registers {@code buffers} as fixed buffers 0..n-1 (IORING_REGISTER_BUFFERS) for
     * READ_FIXED/WRITE_FIXED. The caller keeps them alive until {@link #unregisterBuffers()} or close.
     */
    public void registerBuffers(MemorySegment... buffers) throws IOException {
        registrations.buffers(buffers);
    }

    /** Unregisters the fixed buffers (IORING_UNREGISTER_BUFFERS). */
    public void unregisterBuffers() throws IOException {
        registrations.unregisterBuffers();
    }

    /** The fixed buffer at {@code index}, for READ_FIXED/WRITE_FIXED validation. */
    MemorySegment registeredBuffer(int index) {
        return registrations.registeredBuffer(index);
    }

    /**
     * Registers a provided buffer ring (IORING_REGISTER_PBUF_RING) of {@code entries} (a power of
     * two) at {@code ringMemory} (page aligned) as buffer group {@code group}. Prefer
     * {@link dev.uring.core.buffers.ProvidedBufferRing}, which owns that memory.
     */
    public void registerBufferRing(MemorySegment ringMemory, int entries, int group) throws IOException {
        registrations.bufferRing(ringMemory, entries, group);
    }

    /** Unregisters provided buffer group {@code group} (IORING_UNREGISTER_PBUF_RING). */
    public void unregisterBufferRing(int group) throws IOException {
        registrations.unregisterBufferRing(group);
    }

    /**
     * Registers this ring's fd (IORING_REGISTER_RING_FDS) so that io_uring_enter skips the fd lookup.
     * The registration belongs to the calling thread (the kernel keeps it per task): other threads
     * still enter by the plain fd, and {@link #close()} should run on this thread to drop it at once.
     */
    public void registerRingFd() throws IOException {
        registrations.ringFd();
    }

    /** Whether the ring fd is registered (IORING_REGISTER_RING_FDS) and io_uring_enter uses the registered index. */
    public boolean isRingFdRegistered() {
        return enter.registeredIndex() >= 0;
    }

    /** The registered ring index io_uring_enter uses, or -1 when the fd is not registered. */
    int registeredRingIndex() {
        return enter.registeredIndex();
    }

    /**
     * Caps this ring's io-wq workers (IORING_REGISTER_IOWQ_MAX_WORKERS); 0 leaves a limit as is.
     *
     * @return the previous limits, {bounded, unbounded}
     */
    public int[] ioWqMaxWorkers(int bounded, int unbounded) throws IOException {
        return registrations.ioWqMaxWorkers(bounded, unbounded);
    }

    /** Asks the kernel which ops it supports (IORING_REGISTER_PROBE). */
    public Probe probe() throws IOException {
        return Probe.of(this);
    }

    // ------------------------------------------------------------------ lifetime

    void ensureOpen() {
        m.ensureOpen();
    }

    /**
     * Unmaps the rings and closes the fd. The kernel cancels what is still in flight; memory the
     * caller handed to in-flight ops must outlive their final CQE, which close does not wait for
     * (an {@code EventLoop} does). Idempotent.
     */
    @Override
    public void close() {
        if (m.closed) {
            return;
        }
        // a registered ring fd holds its own reference to the ring: without this the ring (and
        // every op in flight) outlives close() until the registering thread exits
        registrations.unregisterRingFd();
        m.unmap();
    }

    @Override
    public String toString() {
        return "Ring[fd=" + m.fd + ", sq=" + m.sqEntries + ", cq=" + m.cqEntries + ", flags=" + SetupFlags.names(m.flags) + "]";
    }
}
