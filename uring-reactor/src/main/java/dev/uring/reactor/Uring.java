package dev.uring.reactor;

import dev.uring.core.KernelFeature;
import dev.uring.core.RingOptions;
import dev.uring.core.RingSetupHook;
import dev.uring.core.loop.EventLoop;
import dev.uring.core.loop.EventLoopGroup;
import dev.uring.reactor.op.FluxUringMultishot;
import dev.uring.reactor.op.MonoUringOp;
import dev.uring.reactor.op.NopOp;
import dev.uring.reactor.op.OpRuntime;
import dev.uring.reactor.op.RuntimeClosedException;
import dev.uring.reactor.op.RuntimeResources;
import dev.uring.reactor.op.Runtimes;
import dev.uring.reactor.op.TicksOp;
import dev.uring.reactor.op.TimeoutOp;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * The reactive io_uring runtime: an {@link EventLoopGroup} whose loop threads are Reactor
 * {@link reactor.core.scheduler.NonBlocking} threads, the ops built on it, and a {@link Scheduler}
 * over those threads. Create one with {@link #create}, close it when done; or use the lazily
 * created {@link #shared()} runtime, which lives as long as the JVM.
 *
 * <p>Every op is a cold {@link Mono} (or, for multishot ops, a {@link Flux}) that submits when
 * subscribed and requested, on the calling loop when the caller is a loop thread, else on the
 * next loop round-robin.
 *
 * <p>Policies (uring-policy, or any {@link RingSetupHook}). A runtime's rings carry the policy in
 * force where it was created ({@link #shared()}: none but the base policy, whoever touches it first).
 * An op subscribed where another policy is in force runs on a child runtime of this one made for
 * that policy: created on first use, by the subscribing thread, with this runtime's loop count and
 * options, its rings carrying both this runtime's policy and the subscriber's, cached, and closed
 * with this runtime. An op thus never runs with more than the subscriber's policy allows, and
 * code outside any scope is not restricted by a scope that used the runtime first. Deciding costs
 * one thread-local read per subscription ({@link RingSetupHook#currentKey()}). Ops pinned to a
 * loop (a connection's, a scheduler worker's) stay on it.
 */
public final class Uring implements AutoCloseable {
    private static final AtomicInteger RUNTIMES = new AtomicInteger();
    private static volatile @Nullable Uring shared;

    private final EventLoopGroup group;
    private final String name;
    private final boolean isShared;
    /** What was in force where this runtime was created ({@link RingSetupHook#currentKey()}); null for nothing. */
    private final @Nullable Object key;
    /** How to make a child runtime: the loop count and the options as given (not yet captured). */
    private final int loops;
    private final RingOptions options;
    /** The runtime this one is a child of (for a policy), or null. */
    private volatile @Nullable Uring parent;
    /** Child runtimes by the key in force where their ops were subscribed (and by their own key). */
    private final java.util.concurrent.ConcurrentHashMap<Object, Uring> children = new java.util.concurrent.ConcurrentHashMap<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final UringScheduler scheduler;
    // the files and sockets still open (closed by close() while the loops still run: else their fds
    // would outlive the runtime with no ring left to CLOSE them), and per-runtime state such as buffer rings
    private final RuntimeResources resources = new RuntimeResources();
    private final OpRuntime ops = new Ops();
    private volatile dev.uring.core.files.@Nullable FixedFileTable fixedFiles;
    private final AtomicBoolean fixedRefusalLogged = new AtomicBoolean();
    private final AtomicInteger fixedWarnings = new AtomicInteger();
    private final java.util.concurrent.atomic.AtomicLong fixedFallbacks = new java.util.concurrent.atomic.AtomicLong();
    private static final System.Logger LOG = System.getLogger(Uring.class.getName());

    static {
        // the file and socket packages reach a runtime's internals through this, not through public API
        Runtimes.install(u -> ((Uring) u).ops);
    }

    private Uring(EventLoopGroup group, boolean isShared, @Nullable Object key, int loops, RingOptions options) {
        probeKernel();
        this.group = group;
        String thread = group.get(0).thread().getName();
        this.name = thread.substring(0, Math.max(0, thread.lastIndexOf('-')));
        this.isShared = isShared;
        this.key = key;
        this.loops = loops;
        this.options = options;
        this.scheduler = new UringScheduler(this);
    }

    /**
     * Answers, here and not on a loop, what the ops ask of the kernel before choosing how to run: a
     * probe waits for a scratch ring's completion, which a loop thread must not do.
     */
    private static void probeKernel() {
        for (KernelFeature f : new KernelFeature[] {KernelFeature.MULTISHOT_TIMEOUT, KernelFeature.BIND,
                KernelFeature.LISTEN, KernelFeature.FTRUNCATE}) {
            f.isAvailable();
        }
    }

    /** A runtime with one loop per available processor, each ring set up with {@code options}. */
    public static Uring create(RingOptions options) throws IOException {
        return create(Runtime.getRuntime().availableProcessors(), options);
    }

    /** A runtime with {@code loops} loops of 256-entry rings (SINGLE_ISSUER|DEFER_TASKRUN). */
    public static Uring create(int loops) throws IOException {
        return create(loops, EventLoop.defaultOptions(256));
    }

    /**
     * A runtime with {@code loops} loops whose rings are set up with {@code options}; the setup
     * hooks (policies) of the calling thread apply to every ring.
     *
     * @throws IllegalArgumentException when {@code loops < 1}
     * @throws IOException when a ring cannot be created (the cause says why: memlock, sysctl...);
     *         on a host where io_uring is unusable (a seccomp filter, {@code kernel.io_uring_disabled}),
     *         the message names the cause and the fix, as {@link dev.uring.core.IoUring#unavailabilityCause()} does
     */
    public static Uring create(int loops, RingOptions options) throws IOException {
        Objects.requireNonNull(options, "options");
        if (loops < 1) {
            throw new IllegalArgumentException("a runtime needs at least one loop, got " + loops);
        }
        String prefix = "uring-" + RUNTIMES.getAndIncrement();
        // the loop threads are constructed here, so they carry the policy in force here for life
        return new Uring(EventLoopGroup.create(loops, options, LoopThread.factory(prefix)), false,
                RingSetupHook.currentKey(), loops, options);
    }

    /**
     * The process-wide runtime, created on first use with one loop per processor; its loops are
     * daemon threads and {@link #close()} on it does nothing. It never takes on the policy of the
     * caller that creates it: its loops are created on a thread of their own, which inherits nothing,
     * and each op runs under the policy in force where it is subscribed (see the class comment).
     *
     * @throws UncheckedIOException when io_uring is unavailable
     */
    public static Uring shared() {
        Uring u = shared;
        if (u == null) {
            synchronized (Uring.class) {
                u = shared;
                if (u == null) {
                    u = createShared();
                    shared = u;
                }
            }
        }
        return u;
    }

    private static Uring createShared() {
        int n = Runtime.getRuntime().availableProcessors();
        RingOptions options = EventLoop.defaultOptions(256);
        Uring[] made = new Uring[1];
        IOException[] failed = new IOException[1];
        // a thread that inherits no inheritable thread-local (policy) and no scoped value: the loops
        // and their rings get only what applies to every ring (a base policy)
        Thread init = Thread.ofPlatform().name("uring-shared-init").inheritInheritableThreadLocals(false)
                .unstarted(() -> {
                    try {
                        made[0] = new Uring(EventLoopGroup.create(n, options, LoopThread.factory("uring-shared")), true,
                                RingSetupHook.currentKey(), n, options);
                    } catch (IOException e) {
                        failed[0] = e;
                    }
                });
        init.start();
        boolean interrupted = false;
        while (true) {
            try {
                init.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (failed[0] != null) {
            throw new UncheckedIOException("cannot start the shared io_uring runtime", failed[0]);
        }
        if (made[0] == null) {
            throw new IllegalStateException("the shared io_uring runtime failed to start");
        }
        return made[0];
    }

    /**
     * The runtime an op subscribed now on this thread runs on: this one when the policy in force here
     * is this runtime's (or none), else the child for that policy, created on first use.
     *
     * @throws IllegalStateException when this runtime is closed
     * @throws UncheckedIOException when the child cannot be created
     */
    Uring routed() {
        if (closed.get()) {
            throw new RuntimeClosedException(null);
        }
        Object k = RingSetupHook.currentKey();
        if (k == null || k == key) {
            return this;
        }
        Uring p = parent;
        if (p != null) {
            // a child asked under another policy: its parent knows the runtime for that one
            return p.routedFor(k);
        }
        return routedFor(k);
    }

    /**
     * Whether an op pinned to {@code loop} (a connection's, a scheduler worker's) may run for a
     * subscriber on this thread: always where no policy is in force; else only when {@code loop}
     * belongs to the runtime of the policy in force here (this one or its child for it). Such ops
     * cannot move to another loop, so one subscribed under another policy is refused
     * ({@link OpRuntime#refusal}) rather than run on rings that do not carry that policy. One thread-local read.
     */
    boolean admits(EventLoop loop) {
        Object k = RingSetupHook.currentKey();
        if (k == null) {
            return true;
        }
        Uring top = parent != null ? parent : this;
        Uring r = k == top.key || k.equals(top.key) ? top : top.children.get(k);
        return r != null && r.owns(loop);
    }

    private boolean owns(EventLoop loop) {
        int i = loop.index();
        return i >= 0 && i < group.size() && group.get(i) == loop;
    }

    private Uring routedFor(Object k) {
        if (closed.get()) {
            throw new RuntimeClosedException(null);
        }
        if (k == key) {
            return this;
        }
        Uring child = children.get(k);
        return child != null ? child : child(k);
    }

    private Uring child(Object k) {
        if (k.equals(key)) {
            return this;
        }
        synchronized (children) {
            Uring child = children.get(k);
            if (child != null) {
                return child;
            }
            if (closed.get()) {
                throw new RuntimeClosedException(null);
            }
            try {
                // on the subscribing thread, where k is in force, with this runtime's own key added
                Object own = key;
                child = own == null ? create(loops, options)
                        : RingSetupHook.callWithKey(own, () -> create(loops, options));
                child.parent = this;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start an io_uring runtime for the policy in force", e);
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            children.put(k, child);
            Object childKey = child.key;
            if (childKey != null) {
                // its own loop threads carry childKey: ops they subscribe here find it at once
                children.putIfAbsent(childKey, child);
            }
            return child;
        }
    }

    /** The loops. */
    public EventLoopGroup group() {
        return group;
    }

    /** This runtime's name ({@code uring-0}, {@code uring-shared}): its loop threads' prefix and its metrics' tag. */
    public String name() {
        return name;
    }

    /**
     * Publishes this runtime's metrics to {@code registry} (Micrometer, an optional dependency) and
     * starts counting on every loop; see {@link dev.uring.reactor.metrics.UringMetrics} for the meters.
     * Off until called: a runtime without metrics counts nothing on its hot paths.
     *
     * @return this runtime
     */
    public Uring metrics(io.micrometer.core.instrument.MeterRegistry registry) {
        new dev.uring.reactor.metrics.UringMetrics(this).bindTo(registry);
        return this;
    }

    /**
     * Starts counting on every loop ({@link EventLoop#stats()}) and records a JFR
     * {@link dev.uring.core.loop.SlowOpEvent} for each op slower than {@code slowOp} and a
     * {@link dev.uring.core.loop.LoopStallEvent} for each loop pass longer than {@code stall}
     * ({@link Duration#ZERO} for none). {@link #metrics} does this with
     * {@link #DEFAULT_SLOW_OP} and {@link #DEFAULT_STALL} unless called before.
     *
     * @return this runtime
     */
    public Uring events(Duration slowOp, Duration stall) {
        Objects.requireNonNull(slowOp, "slowOp");
        Objects.requireNonNull(stall, "stall");
        statsOn = true;
        group.enableStats(slowOp, stall);
        return this;
    }

    /** The slow-op threshold {@link #metrics} sets when {@link #events} was not called: 1 second. */
    public static final Duration DEFAULT_SLOW_OP = Duration.ofSeconds(1);
    /** The loop stall threshold {@link #metrics} sets when {@link #events} was not called: 100 ms. */
    public static final Duration DEFAULT_STALL = Duration.ofMillis(100);
    private volatile boolean statsOn;

    /** Group slots of the fixed-file table {@link #fixedFiles(int)} sets up when asked for a default. */
    public static final int DEFAULT_FIXED_FILE_SLOTS = 1024;

    /**
     * Gives this runtime one fixed-file table shared by its rings, of {@code slots} slots: from then
     * on a {@code ReactiveFile} opened here is installed in it (asynchronously, once a second op
     * that can name a slot is made on it, so a file read once pays nothing) and its READ, WRITE,
     * FSYNC and FTRUNCATE on the runtime's loops name the slot with IOSQE_FIXED_FILE, which spares
     * the kernel the fd lookup and reference count per op. Ops that need the fd (STATX, OPENAT2
     * beneath a directory, CLOSE, syscall fallbacks) and ops routed to a policy's child runtime
     * keep using it. A file that cannot get a slot (table full, a policy that refuses FILES_UPDATE
     * or MSG_RING) uses its fd, and the first such file is logged. Off by default: turn it on where
     * a benchmark shows it pays ({@code ReactorFixedSlotReadBenchmark.fixedSlotRead} against {@code plainFdRead}).
     * Blocks until every ring has registered the table, so not on a loop thread. A ring that
     * refuses the registration (a policy without REGISTER_FILES2) leaves the runtime without a
     * table, logged once, and every file on its fd.
     *
     * @return this runtime
     * @throws IllegalStateException when called twice, on a loop thread, or on a closed runtime
     */
    public Uring fixedFiles(int slots) {
        if (EventLoop.current() != null) {
            throw new IllegalStateException("set up fixed files from outside the loop threads: it waits for them");
        }
        if (closed.get()) {
            throw new RuntimeClosedException(null);
        }
        synchronized (this) {
            if (fixedFiles != null) {
                throw new IllegalStateException("this runtime already has a fixed-file table");
            }
            try {
                fixedFiles = dev.uring.core.files.FixedFileTable.create(group, slots, 0)
                        .get(30, java.util.concurrent.TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                fixedFileRefusal("every file of " + this, e.getCause() != null ? e.getCause() : e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fixedFileRefusal("every file of " + this, e);
            }
        }
        return this;
    }

    /** The fixed-file table {@link #fixedFiles(int)} set up, or null (off, or refused by the rings). */
    public dev.uring.core.files.@Nullable FixedFileTable fixedFileTable() {
        return fixedFiles;
    }

    /** How many files (or tables) were refused a fixed slot and use their fd instead. */
    public long fixedFileFallbacks() {
        return fixedFallbacks.get();
    }

    /** How many fixed-slot refusals were logged (for tests: at most one). */
    int fixedFileWarningsLogged() {
        return fixedWarnings.get();
    }

    private void fixedFileRefusal(String what, Throwable why) {
        fixedFallbacks.incrementAndGet();
        if (fixedRefusalLogged.compareAndSet(false, true)) {
            fixedWarnings.incrementAndGet();
            LOG.log(System.Logger.Level.WARNING, "{0}: no fixed-file slot for {1} ({2}); it uses its fd, as will"
                    + " any other file refused a slot on this runtime (logged once)", this, what, String.valueOf(why));
        }
    }

    /** Whether {@link #events} or {@link #metrics} started counting on the loops. */
    public boolean isCounting() {
        return statsOn;
    }

    /**
     * A NOP through loop {@code index}'s ring: completes with the loop's answer (0), or fails when the
     * loop is closed or its ring unusable (the health check's probe).
     */
    public Mono<Integer> nop(int index) {
        return new MonoUringOp<>(ops, group.get(index), NopOp::new, 0);
    }

    /**
     * The loop an op submitted now goes to: on the runtime of the policy in force here
     * ({@link #routed()}), the caller's own loop, else the next round-robin.
     */
    EventLoop loop() {
        return routed().group.current();
    }

    /** A loop even while {@link #close()} runs: the CLOSEs of the files it closes go out on it. */
    EventLoop closingLoop() {
        return group.current();
    }

    /**
     * A {@link Scheduler} whose workers run on the loop threads (each worker pinned to one loop);
     * delayed and periodic tasks use the kernel's TIMEOUT, never a sleeping thread.
     */
    public Scheduler scheduler() {
        return scheduler;
    }

    /**
     * A Mono that completes with 0 after {@code delay}, timed by an io_uring TIMEOUT; cancelling
     * it removes the timeout from the kernel.
     */
    public Mono<Long> timer(Duration delay) {
        Objects.requireNonNull(delay, "delay");
        if (delay.isNegative()) {
            throw new IllegalArgumentException("delay must not be negative, got " + delay);
        }
        return new MonoUringOp<>(ops, null, () -> new TimeoutOp(delay.toNanos()), 0);
    }

    /** {@link #timer} on a given loop (for the scheduler's pinned workers). */
    Mono<Long> timer(EventLoop loop, long nanos) {
        return new MonoUringOp<>(ops, loop, () -> new TimeoutOp(nanos), 0);
    }

    /**
     * Ticks 0, 1, 2... every {@code period}, from one multishot io_uring TIMEOUT. Demand drives it:
     * when the subscriber's demand reaches zero the timeout is cancelled in the kernel, and it is
     * armed again on the next request (ticks missed meanwhile are not replayed).
     */
    public Flux<Long> ticks(Duration period) {
        Objects.requireNonNull(period, "period");
        if (period.isNegative() || period.isZero()) {
            throw new IllegalArgumentException("period must be positive, got " + period);
        }
        return new FluxUringMultishot<>(ops, null, () -> new TicksOp(period.toNanos()));
    }

    /** {@link #ticks} on a given loop (for the scheduler's pinned workers). */
    Flux<Long> ticks(EventLoop loop, long nanos) {
        return new FluxUringMultishot<>(ops, loop, () -> new TicksOp(nanos));
    }

    /** Whether {@link #close()} has been called (never true for {@link #shared()}). */
    public boolean isClosed() {
        return closed.get();
    }

    /**
     * Closes the servers, connections and files still open (their fds go back to the kernel), then
     * every loop: ops in flight are cancelled and fail with an {@link IllegalStateException} saying the
     * runtime is closed (as does an op subscribed afterwards, right after onSubscribe), the rings are unmapped. Blocks until
     * the loop threads end, so never call it on a loop thread. Does nothing on {@link #shared()}.
     */
    @Override
    public void close() {
        if (isShared) {
            return;
        }
        if (closed.compareAndSet(false, true)) {
            // files and sockets first, while the loops still run their CLOSEs; their buffer rings after the loops
            resources.closeTracked(Duration.ofSeconds(5));
            // the files cleared their slots; the table unregisters while the loops still run
            dev.uring.core.files.FixedFileTable t = fixedFiles;
            if (t != null) {
                t.close();
            }
            scheduler.dispose();
            synchronized (children) {
                for (Uring child : new java.util.HashSet<>(children.values())) {
                    child.close();
                }
                children.clear();
            }
            group.close();
            resources.closeAttachments();
        }
    }

    /** This runtime as the op framework sees it; the methods are this class's own. */
    private final class Ops implements OpRuntime {
        @Override
        public EventLoop loop() {
            return Uring.this.loop();
        }

        @Override
        public OpRuntime routed() {
            return Uring.this.routed().ops;
        }

        @Override
        public boolean admits(EventLoop loop) {
            return Uring.this.admits(loop);
        }

        @Override
        public EventLoop closingLoop() {
            return Uring.this.closingLoop();
        }

        @Override
        public EventLoopGroup group() {
            return group;
        }

        @Override
        public boolean isClosed() {
            return closed.get();
        }

        @Override
        public RuntimeResources resources() {
            return resources;
        }

        @Override
        public dev.uring.core.files.@Nullable FixedFileTable fixedFiles() {
            return fixedFiles;
        }

        @Override
        public void fixedFileRefused(String path, Throwable why) {
            fixedFileRefusal(path, why);
        }

        @Override
        public String toString() {
            return Uring.this.toString();
        }
    }

    @Override
    public String toString() {
        return "Uring[" + group.size() + " loops" + (isShared ? ", shared" : "") + "]";
    }
}
