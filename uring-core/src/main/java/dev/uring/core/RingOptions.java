package dev.uring.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Immutable settings for {@link Ring#open(RingOptions)}: sizes, setup flags (as an {@code int},
 * see {@link SetupFlags}), SQPOLL parameters, io-wq limits and customizers.
 */
public final class RingOptions {
    /** The kernel's IORING_MAX_ENTRIES. */
    public static final int MAX_ENTRIES = 32768;
    /** The kernel's IORING_MAX_CQ_ENTRIES. */
    public static final int MAX_CQ_ENTRIES = 2 * MAX_ENTRIES;

    private final int entries;
    private final int cqEntries;
    private final int flags;
    private final int sqThreadIdleMillis;
    private final int sqThreadCpu;
    private final @Nullable Ring attachWq;
    private final int ioWqBounded;
    private final int ioWqUnbounded;
    private final boolean registerRingFd;
    private final boolean setupHooks;
    private final List<RingCustomizer> customizers;
    private final long busyPollNanos;

    private RingOptions(int entries, int cqEntries, int flags, int sqThreadIdleMillis, int sqThreadCpu,
            @Nullable Ring attachWq, int ioWqBounded, int ioWqUnbounded, boolean registerRingFd, boolean setupHooks,
            List<RingCustomizer> customizers, long busyPollNanos) {
        this.busyPollNanos = busyPollNanos;
        this.entries = entries;
        this.cqEntries = cqEntries;
        this.flags = flags;
        this.sqThreadIdleMillis = sqThreadIdleMillis;
        this.sqThreadCpu = sqThreadCpu;
        this.attachWq = attachWq;
        this.ioWqBounded = ioWqBounded;
        this.ioWqUnbounded = ioWqUnbounded;
        this.registerRingFd = registerRingFd;
        this.setupHooks = setupHooks;
        this.customizers = List.copyOf(customizers);
    }

    /** The longest {@link #busyPoll} accepted: past a millisecond, sleeping costs less than spinning. */
    public static final Duration MAX_BUSY_POLL = Duration.ofMillis(1);

    /** 256 entries, no setup flags, the kernel's default CQ size, setup hooks applied, no busy poll. */
    public static RingOptions defaults() {
        return new RingOptions(256, 0, 0, 0, -1, null, 0, 0, false, true, List.of(), 0);
    }

    /**
     * The number of SQ entries: 1 to {@value #MAX_ENTRIES}, rounded up by the kernel to a power
     * of two; larger only with {@link SetupFlags#CLAMP}.
     */
    public RingOptions entries(int entries) {
        if (entries < 1) {
            throw new IllegalArgumentException("entries must be at least 1, got " + entries);
        }
        return new RingOptions(entries, cqEntries, flags, sqThreadIdleMillis, sqThreadCpu, attachWq, ioWqBounded,
                ioWqUnbounded, registerRingFd, setupHooks, customizers, busyPollNanos);
    }

    /** The number of CQ entries (sets {@link SetupFlags#CQSIZE}); at least {@link #entries()}. */
    public RingOptions cqEntries(int cqEntries) {
        if (cqEntries < 1) {
            throw new IllegalArgumentException("cqEntries must be at least 1, got " + cqEntries);
        }
        return new RingOptions(entries, cqEntries, flags | SetupFlags.CQSIZE, sqThreadIdleMillis, sqThreadCpu,
                attachWq, ioWqBounded, ioWqUnbounded, registerRingFd, setupHooks, customizers, busyPollNanos);
    }

    /** Replaces the setup flags ({@link SetupFlags}), checked when the ring opens. */
    public RingOptions flags(int flags) {
        return new RingOptions(entries, cqEntries, flags, sqThreadIdleMillis, sqThreadCpu, attachWq, ioWqBounded,
                ioWqUnbounded, registerRingFd, setupHooks, customizers, busyPollNanos);
    }

    /** Adds setup flags to those already set. */
    public RingOptions withFlags(int more) {
        return flags(flags | more);
    }

    /**
     * Polls the SQ from a kernel thread (sets {@link SetupFlags#SQPOLL}).
     *
     * @param idleMillis how long the thread spins before sleeping
     * @param cpu the CPU to pin it to, or -1 for none
     */
    public RingOptions sqPoll(int idleMillis, int cpu) {
        if (idleMillis < 0) {
            throw new IllegalArgumentException("SQPOLL idle time must not be negative, got " + idleMillis);
        }
        int f = flags | SetupFlags.SQPOLL | (cpu >= 0 ? SetupFlags.SQ_AFF : 0);
        return new RingOptions(entries, cqEntries, f, idleMillis, cpu, attachWq, ioWqBounded, ioWqUnbounded,
                registerRingFd, setupHooks, customizers, busyPollNanos);
    }

    /** Shares {@code ring}'s async worker pool (sets {@link SetupFlags#ATTACH_WQ}). */
    public RingOptions attachWq(Ring ring) {
        return new RingOptions(entries, cqEntries, flags | SetupFlags.ATTACH_WQ, sqThreadIdleMillis, sqThreadCpu, ring,
                ioWqBounded, ioWqUnbounded, registerRingFd, setupHooks, customizers, busyPollNanos);
    }

    /** Caps io-wq workers (IORING_REGISTER_IOWQ_MAX_WORKERS); 0 keeps the kernel's value. */
    public RingOptions ioWqMaxWorkers(int bounded, int unbounded) {
        if (bounded < 0 || unbounded < 0) {
            throw new IllegalArgumentException("io-wq worker limits must not be negative: " + bounded + ", " + unbounded);
        }
        return new RingOptions(entries, cqEntries, flags, sqThreadIdleMillis, sqThreadCpu, attachWq, bounded, unbounded,
                registerRingFd, setupHooks, customizers, busyPollNanos);
    }

    /** Registers the ring's own fd (IORING_REGISTER_RING_FDS) so io_uring_enter skips the fd lookup. */
    public RingOptions registerRingFd(boolean register) {
        return new RingOptions(entries, cqEntries, flags, sqThreadIdleMillis, sqThreadCpu, attachWq, ioWqBounded,
                ioWqUnbounded, register, setupHooks, customizers, busyPollNanos);
    }

    /** Adds a customizer run while the ring is disabled (sets {@link SetupFlags#R_DISABLED} at open). */
    public RingOptions customizer(RingCustomizer customizer) {
        List<RingCustomizer> list = new ArrayList<>(customizers);
        list.add(customizer);
        return new RingOptions(entries, cqEntries, flags, sqThreadIdleMillis, sqThreadCpu, attachWq, ioWqBounded,
                ioWqUnbounded, registerRingFd, setupHooks, list, busyPollNanos);
    }

    /**
     * How long an {@link dev.uring.core.loop.EventLoop} on this ring keeps polling for completions
     * (an io_uring_enter that runs the ring's task work without sleeping, in a loop) once it has
     * nothing to do, before it sleeps in io_uring_enter; {@link Duration#ZERO} (the default) sleeps
     * at once. A completion that arrives within the window is handled without the wake-up of a
     * sleeping thread (tens of microseconds on a loaded machine), which is most of the latency of
     * a lone request/response connection. The cost is CPU: while events come at intervals shorter
     * than the window, the loop's thread uses a whole CPU even when it does little work. A bare
     * {@link Ring} ignores it.
     *
     * @throws IllegalArgumentException when negative or longer than {@link #MAX_BUSY_POLL}
     */
    public RingOptions busyPoll(Duration window) {
        if (window.isNegative() || window.compareTo(MAX_BUSY_POLL) > 0) {
            throw new IllegalArgumentException("busy poll window must be between 0 and " + MAX_BUSY_POLL + ", got "
                    + window);
        }
        long busyPollNanos = window.toNanos();
        return new RingOptions(entries, cqEntries, flags, sqThreadIdleMillis, sqThreadCpu, attachWq, ioWqBounded,
                ioWqUnbounded, registerRingFd, setupHooks, customizers, busyPollNanos);
    }

    /** Whether {@link RingSetupHook} services are consulted (default true). */
    public RingOptions setupHooks(boolean apply) {
        return new RingOptions(entries, cqEntries, flags, sqThreadIdleMillis, sqThreadCpu, attachWq, ioWqBounded,
                ioWqUnbounded, registerRingFd, apply, customizers, busyPollNanos);
    }

    /**
     * These options with the {@link RingSetupHook} customizers of the calling thread captured, so
     * that a ring opened later on another thread (an event loop's) still gets them. Opening the
     * result consults no hook again.
     */
    public RingOptions captureSetupHooks() {
        if (!setupHooks) {
            return this;
        }
        List<RingCustomizer> list = new ArrayList<>(customizers);
        list.addAll(SetupHooks.capture(this));
        return new RingOptions(entries, cqEntries, flags, sqThreadIdleMillis, sqThreadCpu, attachWq, ioWqBounded,
                ioWqUnbounded, registerRingFd, false, list, busyPollNanos);
    }

    /** The SQ entries asked for. */
    public int entries() {
        return entries;
    }

    /** The CQ entries asked for, or 0 for the kernel's default (twice the SQ). */
    public int cqEntries() {
        return cqEntries;
    }

    /** The setup flags. */
    public int flags() {
        return flags;
    }

    /** The SQPOLL idle time in milliseconds. */
    public int sqThreadIdleMillis() {
        return sqThreadIdleMillis;
    }

    /** The SQPOLL thread CPU, or -1. */
    public int sqThreadCpu() {
        return sqThreadCpu;
    }

    /** The ring whose worker pool is shared, or null. */
    public @Nullable Ring attachWqRing() {
        return attachWq;
    }

    /** The bounded io-wq worker cap, 0 for the kernel's. */
    public int ioWqBounded() {
        return ioWqBounded;
    }

    /** The unbounded io-wq worker cap, 0 for the kernel's. */
    public int ioWqUnbounded() {
        return ioWqUnbounded;
    }

    /** Whether the ring fd is registered. */
    public boolean registerRingFd() {
        return registerRingFd;
    }

    /** Whether setup hooks are consulted at open. */
    public boolean setupHooks() {
        return setupHooks;
    }

    /** The busy poll window of an event loop in nanoseconds, 0 for none ({@link #busyPoll}). */
    public long busyPollNanos() {
        return busyPollNanos;
    }

    /** The customizers added explicitly or captured. */
    public List<RingCustomizer> customizers() {
        return customizers;
    }

    /** Checks sizes and flags together, as the kernel would, with a message naming the rule. */
    void validate() {
        SetupFlags.validate(flags);
        if (entries > MAX_ENTRIES && !SetupFlags.has(flags, SetupFlags.CLAMP)) {
            throw new IllegalArgumentException("entries " + entries + " exceeds the kernel's maximum of " + MAX_ENTRIES
                    + " (set SetupFlags.CLAMP to have it clamped)");
        }
        if (SetupFlags.has(flags, SetupFlags.CQSIZE)) {
            if (cqEntries < 1) {
                throw new IllegalArgumentException("CQSIZE is set but cqEntries is not: use cqEntries(n)");
            }
            if (cqEntries > MAX_CQ_ENTRIES && !SetupFlags.has(flags, SetupFlags.CLAMP)) {
                throw new IllegalArgumentException("cqEntries " + cqEntries + " exceeds the kernel's maximum of "
                        + MAX_CQ_ENTRIES + " (set SetupFlags.CLAMP to have it clamped)");
            }
            if (cqEntries < entries && !SetupFlags.has(flags, SetupFlags.CLAMP)) {
                throw new IllegalArgumentException("cqEntries " + cqEntries + " is smaller than entries " + entries);
            }
        }
        if (SetupFlags.has(flags, SetupFlags.ATTACH_WQ) && attachWq == null) {
            throw new IllegalArgumentException("ATTACH_WQ is set but no ring to attach to: use attachWq(ring)");
        }
    }
}
