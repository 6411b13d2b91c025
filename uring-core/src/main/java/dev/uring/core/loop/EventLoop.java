package dev.uring.core.loop;


import dev.uring.core.CancelFlags;
import dev.uring.core.CqeConsumer;
import dev.uring.core.CqeFlags;
import dev.uring.core.Ring;
import dev.uring.core.RingOptions;
import dev.uring.core.SetupFlags;
import dev.uring.core.Sqe;
import dev.uring.core.UringException;
import dev.uring.core.ffi.Errno;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.jctools.queues.varhandle.MpscUnboundedVarHandleArrayQueue;
import org.jspecify.annotations.Nullable;

/**
 * One thread that owns one {@link Ring}. Other threads hand it work with {@link #execute(Runnable)}
 * (a lock-free queue plus a MSG_RING wake-up from a small ring of the loop's own); on the loop
 * thread, work prepares SQEs with {@link #nextSqe()} and registers a {@link Completion} with
 * {@link #register(Completion)}, whose token is the SQE's user_data. The loop submits and waits
 * in one io_uring_enter, then dispatches each CQE by user_data. The thread blocks nowhere but in
 * that io_uring_enter. With a {@linkplain RingOptions#busyPoll busy poll window}, an idle loop
 * first polls for completions that long (without sleeping) before it waits.
 *
 * <p>The ring is created on the loop thread, with {@code SINGLE_ISSUER|DEFER_TASKRUN} by default.
 * {@link #close()} cancels what is in flight, waits (bounded) for the final CQEs, then unmaps the
 * ring and closes its fds.
 */
public final class EventLoop implements Executor, AutoCloseable {
    /** user_data for ops whose CQE is ignored (use it with {@link dev.uring.core.SqeFlags#CQE_SKIP_SUCCESS}). */
    public static final long NO_COMPLETION = PendingOps.token(PendingOps.IGNORE_SLOT, 0);
    /** The default setup flags of a loop's ring. */
    public static final int DEFAULT_FLAGS = SetupFlags.SINGLE_ISSUER | SetupFlags.DEFER_TASKRUN;
    /** Handed-over tasks run per loop pass before the loop submits and reaps again. */
    static final int TASKS_PER_PASS = 1024;
    /**
     * A busy poll window for latency-bound loops ({@link RingOptions#busyPoll}, off by default):
     * 50 microseconds, longer than a peer's turnaround on loopback, so a lone request/response
     * connection is served without a sleep and a wake-up per message (2.5 to 3 times the requests
     * per second of a loop that sleeps at once). Its cost: a loop whose events come less than 50 us
     * apart uses a whole CPU, which slows everything else when loops and other threads share cores
     * (on 2 cores, reactive file reads lost a third of their throughput with it on).
     */
    public static final Duration LOW_LATENCY_BUSY_POLL = Duration.ofNanos(50_000);
    // not 0: a stray CQE with user_data 0 (a zeroed SQE, a MSG_RING from elsewhere) must not pass for the wake-up read
    private static final long WAKE_TOKEN = PendingOps.token(PendingOps.WAKE_SLOT, 0x57414B45);
    private static final int RUNNING = 0;
    private static final int CLOSING = 1;
    private static final int CLOSED = 2;
    private static final AtomicInteger IDS = new AtomicInteger();
    /**
     * The loop whose thread runs the code, bound once around the whole loop body. A ScopedValue rather
     * than a ThreadLocal: asking on any other thread (a virtual thread subscribing, say) creates no
     * thread-local map, and a bound read is a per-thread cache hit. The thread comes from the caller's
     * factory, so it cannot be a Thread subclass of ours.
     */
    private static final ScopedValue<Object> CURRENT = ScopedValue.newInstance();
    /** What {@link #CURRENT} reads as off a loop thread: orElse takes no null, and one lookup beats isBound + get. */
    private static final Object NO_LOOP = new Object();

    /**
     * Tasks handed over from other threads. An array-backed MPSC queue (JCTools' VarHandle variant:
     * no sun.misc.Unsafe, so no warning on JDK 24+): one 1024-slot chunk per 1024 tasks instead of a
     * node per task. Unbounded, so {@link #execute} never refuses for lack of room; only the loop thread
     * polls it, except after close (see {@link #drainClosed}).
     */
    private final MpscUnboundedVarHandleArrayQueue<Runnable> tasks = new MpscUnboundedVarHandleArrayQueue<>(TASKS_PER_PASS);
    private final AtomicBoolean sleeping = new AtomicBoolean();
    private final AtomicInteger state = new AtomicInteger(RUNNING);
    private final CountDownLatch started = new CountDownLatch(1);
    private final CountDownLatch terminated = new CountDownLatch(1);
    private final PendingOps pending = new PendingOps(1024);
    private final CqeConsumer dispatcher = this::dispatch;
    private final long closeTimeoutNanos;
    private final long busyPollNanos;
    private final Thread thread;
    private final int index;
    private @Nullable Ring ring;
    /** Sends this loop's wake-ups; opened on the loop thread before {@link #ring}, closed after it. */
    private @Nullable RingWaker waker;
    private @Nullable Throwable startFailure;
    private final AtomicInteger wakers = new AtomicInteger();
    private long completions;
    private final LoopStats stats = new LoopStats(this);
    /** {@link #stats} once counting is on, else null: the one check the hot paths make; loop thread only. */
    private @Nullable LoopStats counting;

    private EventLoop(RingOptions options, ThreadFactory factory, int index, long closeTimeoutNanos) {
        this.index = index;
        this.closeTimeoutNanos = closeTimeoutNanos;
        this.busyPollNanos = options.busyPollNanos();
        RingOptions captured = options.captureSetupHooks();
        this.thread = factory.newThread(() -> run(captured));
        if (thread == null) {
            throw new IllegalStateException("thread factory returned null");
        }
    }

    /**
     * Starts a loop whose ring is opened with {@code options} on the new thread. Setup hooks
     * (policies) of the calling thread apply to the ring.
     *
     * @throws IOException when the ring cannot be created; the thread is gone by then
     */
    public static EventLoop start(RingOptions options, ThreadFactory factory) throws IOException {
        return start(options, factory, IDS.getAndIncrement(), TimeUnit.SECONDS.toNanos(5));
    }

    static EventLoop start(RingOptions options, ThreadFactory factory, int index, long closeTimeoutNanos)
            throws IOException {
        EventLoop loop = new EventLoop(options, factory, index, closeTimeoutNanos);
        loop.thread.start();
        awaitUninterruptibly(loop.started);
        Throwable failure = loop.startFailure;
        if (failure != null) {
            awaitUninterruptibly(loop.terminated);
            if (failure instanceof IOException io) {
                throw io;
            }
            if (failure instanceof UncheckedIOException u) {
                throw u.getCause();
            }
            if (failure instanceof RuntimeException re) {
                throw re;
            }
            throw new IOException("event loop failed to start", failure);
        }
        return loop;
    }

    /**
     * Options for a loop's ring: {@code entries} SQ entries, {@link #DEFAULT_FLAGS} and a registered
     * ring fd (the ring is opened, entered and closed on the loop thread, which owns the registration,
     * so every io_uring_enter skips the fd lookup and its reference count); no busy poll.
     */
    public static RingOptions defaultOptions(int entries) {
        return RingOptions.defaults().entries(entries).flags(DEFAULT_FLAGS).registerRingFd(true);
    }

    // ------------------------------------------------------------------ any thread

    /** The loop whose thread is the calling thread, or null on any other thread; O(1). */
    public static @Nullable EventLoop current() {
        Object l = CURRENT.orElse(NO_LOOP);
        return l == NO_LOOP ? null : (EventLoop) l;
    }

    /** Whether the calling thread is this loop's thread. */
    public boolean inEventLoop() {
        return Thread.currentThread() == thread;
    }

    /** This loop's index in its group (or a process-wide counter for a lone loop). */
    public int index() {
        return index;
    }

    /** The loop's thread. */
    public Thread thread() {
        return thread;
    }

    /**
     * Runs {@code task} on the loop thread, after the tasks handed over before it.
     *
     * @throws RejectedExecutionException when the loop is closing or closed
     */
    @Override
    public void execute(Runnable task) {
        if (task == null) {
            throw new NullPointerException("task");
        }
        if (state.get() != RUNNING) {
            throw new RejectedExecutionException("event loop " + thread.getName() + " is closed");
        }
        tasks.offer(task);
        if (state.get() == CLOSED && drainClosed(task)) {
            // close finished (and drained the queue) between the check above and the offer: without
            // this the task would sit in a queue nobody reads, neither run nor rejected
            throw new RejectedExecutionException("event loop " + thread.getName() + " is closed");
        }
        if (!inEventLoop()) {
            wakeUp();
        }
    }

    /** Whether the loop has said it is about to sleep in io_uring_enter (a hand-over then wakes it). */
    boolean isSleeping() {
        return sleeping.get();
    }

    private void wakeUp() {
        if (!sleeping.get()) {
            // awake: it looks at the queue again after it says it sleeps, so it sees the task; no atomic here
            return;
        }
        // counted, so that close never closes the ring (whose fd number could be reused) under a waker
        wakers.incrementAndGet();
        try {
            Ring r = ring;
            RingWaker w = waker;
            if (r != null && w != null && state.get() != CLOSED && sleeping.compareAndSet(true, false)) {
                w.wake(r.fd(), WAKE_TOKEN);
            }
        } finally {
            wakers.decrementAndGet();
        }
    }

    /**
     * Runs {@code task} at once when called on the loop thread, else hands it over like
     * {@link #execute(Runnable)}.
     *
     * @throws RejectedExecutionException when handing over to a loop that is closing or closed
     */
    public void runOrExecute(Runnable task) {
        if (inEventLoop()) {
            task.run();
        } else {
            execute(task);
        }
    }

    /** Whether {@link #close()} has begun. */
    public boolean isClosing() {
        return state.get() != RUNNING;
    }

    // ------------------------------------------------------------------ loop thread only

    /**
     * Registers {@code completion} for one op and returns the user_data to put in its SQE. The
     * op's slot is freed when its final CQE (no {@code F_MORE}) has been delivered.
     */
    public long register(Completion completion) {
        checkInLoop();
        return pending.add(completion);
    }

    /**
     * Forgets an op registered with {@link #register} whose SQE was never submitted (its prep
     * failed); never call it for an op the kernel has.
     */
    public void unregister(long userData) {
        checkInLoop();
        pending.remove(userData);
    }

    /** Claims the next SQE, submitting what is queued first when the SQ is full. */
    public Sqe nextSqe() {
        checkInLoop();
        Ring r = ring;
        if (r == null) {
            throw new IllegalStateException("event loop has no ring");
        }
        Sqe s = r.tryNextSqe();
        if (s != null) {
            return s;
        }
        try {
            submitted(r.submit());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return r.nextSqe();
    }

    /** Asks the kernel to cancel the op with {@code userData}; its final CQE still arrives. */
    public void cancel(long userData) {
        checkInLoop();
        nextSqe().prepCancel(userData, 0).userData(NO_COMPLETION);
    }

    /** The loop's ring, for registrations; loop thread only. */
    public Ring ring() {
        checkInLoop();
        Ring r = ring;
        if (r == null) {
            throw new IllegalStateException("event loop has no ring");
        }
        return r;
    }

    /** The ring's fd (for MSG_RING targets); any thread. */
    public int ringFd() {
        Ring r = ring;
        if (r == null) {
            throw new IllegalStateException("event loop has no ring");
        }
        return r.fd();
    }

    /** How many ops are in flight; loop thread only. */
    public int pendingOps() {
        checkInLoop();
        return pending.active();
    }

    /** How many CQEs were dropped because their op's slot had moved on; loop thread only. */
    public long staleCompletions() {
        checkInLoop();
        return pending.stale();
    }

    /** How many CQEs were delivered to completions; loop thread only. */
    public long completions() {
        checkInLoop();
        return completions;
    }

    /**
     * This loop's counters ({@link LoopStats}); any thread. They stay zero until
     * {@link #enableStats} (the CQ overflow events excepted).
     */
    public LoopStats stats() {
        return stats;
    }

    /**
     * Starts counting ops, errors, submits, tasks and busy/idle time in {@link #stats()} (off by
     * default: a loop that is not asked counts nothing but CQ overflows), and records a
     * {@link SlowOpEvent} for each op whose final completion came more than {@code slowOp} after
     * its submission and a {@link LoopStallEvent} for each loop pass longer than {@code stall}
     * (zero for none). Any thread; takes effect when the loop runs it, before later hand-overs.
     * Calling it again changes the thresholds.
     *
     * @throws RejectedExecutionException when the loop is closing or closed
     */
    public void enableStats(Duration slowOp, Duration stall) {
        long slowNanos = slowOp.toNanos();
        long stallNanos = stall.toNanos();
        runOrExecute(() -> {
            stats.enable(slowNanos, stallNanos, System.nanoTime());
            if (counting == null) {
                ring().observeSubmissions(stats.observer());
                counting = stats;
            }
        });
    }

    /** {@link PendingOps#active()} read from any thread, for {@link LoopStats#inFlight()}; may be stale. */
    int pendingOpsRacy() {
        return pending.active();
    }

    long cqOverflowEventsRacy() {
        Ring r = ring;
        return r == null ? 0 : r.cqOverflowEvents();
    }

    private void checkInLoop() {
        if (Thread.currentThread() != thread) {
            throw new IllegalStateException("called from " + Thread.currentThread().getName()
                    + ", not from the event loop thread " + thread.getName() + ": hand work over with execute()");
        }
    }

    // ------------------------------------------------------------------ the loop

    private void run(RingOptions options) {
        try {
            waker = new RingWaker();
            ring = Ring.open(options);
        } catch (Throwable t) {
            startFailure = t;
            cleanup();
            started.countDown();
            terminated.countDown();
            return;
        }
        started.countDown();
        ScopedValue.where(CURRENT, this).run(this::runLoop);
    }

    private void runLoop() {
        try {
            loop();
        } catch (Throwable t) {
            failAll(t);
        } finally {
            try {
                cleanup();
            } finally {
                // whatever cleanup threw, close() must not wait forever
                terminated.countDown();
            }
        }
    }

    private void loop() throws IOException {
        Ring r = ring();
        long deadline = 0;
        boolean cancelled = false;
        while (true) {
            boolean ran = runTasks();
            if (state.get() != RUNNING) {
                if (!cancelled) {
                    runTasks();
                    cancelAll();
                    cancelled = true;
                    deadline = System.nanoTime() + closeTimeoutNanos;
                } else if (ran) {
                    // a task handed over just as close began may have started ops after the first cancel
                    cancelAll();
                }
                // the tasks handed over before the close still run (a pass's budget at a time), within
                // the close timeout; only those that come after it, or past it, are rejected
                if ((pending.active() == 0 && tasks.isEmpty()) || System.nanoTime() - deadline > 0) {
                    return;
                }
                submit(r);
                if (tasks.isEmpty()) {
                    waitFor(r, Math.max(1, deadline - System.nanoTime()));
                }
                r.reapCqes(dispatcher);
                continue;
            }
            if (busyPollNanos > 0 && tasks.isEmpty() && busyPoll(r)) {
                r.reapCqes(dispatcher);
                continue;
            }
            LoopStats s = counting;
            if (s != null) {
                s.passEnded(System.nanoTime());
            }
            if (tasks.isEmpty()) {
                sleeping.set(true);
                if (!tasks.isEmpty() || state.get() != RUNNING) {
                    sleeping.set(false);
                    submit(r);
                } else {
                    submitAndWait(r);
                    sleeping.set(false);
                    if (s != null) {
                        s.woke(System.nanoTime());
                    }
                }
            } else {
                submit(r);
            }
            r.reapCqes(dispatcher);
        }
    }

    /**
     * Polls for up to {@link RingOptions#busyPollNanos()} before the loop would sleep: each round
     * submits what is queued and runs the ring's task work (DEFER_TASKRUN posts CQEs only inside
     * io_uring_enter) without waiting. True when there is something to do: CQEs, tasks, a close.
     */
    private boolean busyPoll(Ring r) throws IOException {
        long deadline = System.nanoTime() + busyPollNanos;
        do {
            submit(r);
            if (r.cqReady() > 0 || !tasks.isEmpty() || state.get() != RUNNING) {
                return true;
            }
            // no Thread.onSpinWait(): each round is a syscall already, and BlockHound counts onSpinWait as blocking
        } while (System.nanoTime() - deadline < 0);
        return false;
    }

    /** Counts a submit's SQEs when stats are on. */
    private void submitted(int sqes) {
        LoopStats s = counting;
        if (s != null) {
            s.submitted(sqes);
        }
    }

    private void submit(Ring r) throws IOException {
        try {
            submitted(r.submit());
        } catch (UringException e) {
            if (e.errno() != Errno.EBUSY && e.errno() != Errno.EAGAIN) {
                throw e;
            }
            // the CQ backlog is full: reaping makes room, the SQEs stay queued for the next pass
        }
    }

    private void submitAndWait(Ring r) throws IOException {
        try {
            submitted(r.submitAndWait(1));
        } catch (UringException e) {
            if (e.errno() != Errno.EBUSY && e.errno() != Errno.EAGAIN) {
                throw e;
            }
        }
    }

    private void waitFor(Ring r, long nanos) throws IOException {
        try {
            r.submitAndWait(1, nanos);
        } catch (UringException e) {
            if (e.errno() != Errno.EBUSY && e.errno() != Errno.EAGAIN) {
                throw e;
            }
        }
    }

    private boolean runTasks() {
        int ran = 0;
        Runnable t;
        // a budget per pass: tasks that keep handing over more tasks must not keep CQEs from being reaped
        // relaxedPoll: a producer between claiming its slot and storing the task is not waited for; the
        // queue still reads non-empty (by index), so the loop does not sleep and takes it next pass
        for (int budget = TASKS_PER_PASS; budget > 0 && (t = tasks.relaxedPoll()) != null; budget--) {
            ran++;
            try {
                t.run();
            } catch (Throwable e) {
                uncaught(e);
            }
        }
        LoopStats s = counting;
        if (s != null && ran > 0) {
            s.tasksRun(ran);
        }
        return ran > 0;
    }

    private void submitQuietly(Ring r) {
        try {
            r.submit();
        } catch (IOException e) {
            uncaught(e);
        }
    }

    private void dispatch(long userData, int res, int flags) {
        if (userData == WAKE_TOKEN) {
            return;
        }
        if ((int) userData == PendingOps.IGNORE_SLOT) {
            return;
        }
        Completion c = pending.lookup(userData);
        if (c == null) {
            return;
        }
        boolean last = !CqeFlags.hasMore(flags);
        if (last) {
            pending.remove(userData);
        }
        LoopStats s = counting;
        if (s != null) {
            s.completed(userData, res, last);
        }
        completions++;
        try {
            c.complete(res, flags);
        } catch (Throwable t) {
            uncaught(t);
        }
    }

    private void cancelAll() {
        Ring r = ring();
        if (r.sqSpaceLeft() == 0) {
            submitQuietly(r);
        }
        // one SQE cancels every request of the ring
        r.nextSqe().prepCancel(0, CancelFlags.ANY | CancelFlags.ALL).userData(NO_COMPLETION);
    }

    private void failAll(Throwable cause) {
        uncaught(cause);
        pending.forEach(ud -> {
            Completion c = pending.lookup(ud);
            pending.remove(ud);
            if (c != null) {
                try {
                    c.complete(-Errno.ECANCELED, 0);
                } catch (Throwable t) {
                    uncaught(t);
                }
            }
        });
    }

    private void cleanup() {
        state.set(CLOSED);
        Ring r = ring;
        if (r != null) {
            int left = pending.active();
            if (left > 0) {
                // the kernel never answered these within the close timeout: tell their owners
                failAll(new IllegalStateException(left + " ops were still in flight when " + thread.getName()
                        + " closed"));
            }
            while (wakers.get() != 0) {
                Thread.onSpinWait();
            }
            r.close();
        }
        RingWaker w = waker;
        if (w != null) {
            // after the wakers are out: none can be inside, and none enters once the state is CLOSED
            w.close();
        }
        // tasks handed over during close will never run: fail them visibly
        drainClosed(null);
    }

    /**
     * Once the loop is CLOSED, empties the task queue, reporting each task but {@code own} to the
     * uncaught handler as rejected; true when {@code own} was found (its caller then throws). The
     * queue has a single consumer: after the loop thread is done, the threads that drain it take
     * turns under this lock.
     */
    private boolean drainClosed(@Nullable Runnable own) {
        boolean found = false;
        synchronized (tasks) {
            Runnable t;
            while ((t = tasks.poll()) != null) {
                if (t == own && !found) {
                    found = true;
                } else {
                    uncaught(new RejectedExecutionException("event loop closed before running " + t));
                }
            }
        }
        return found;
    }

    private void uncaught(Throwable t) {
        Thread.UncaughtExceptionHandler h = thread.getUncaughtExceptionHandler();
        if (h != null) {
            h.uncaughtException(thread, t);
        }
    }

    /**
     * Runs the tasks already handed over, cancels every op in flight, waits up to the close timeout
     * for their final CQEs (and those tasks), then closes the ring; a task handed over after that is
     * rejected. Blocks the caller until the loop thread has finished,
     * unless called on the loop thread itself, where it only begins the close. Idempotent.
     */
    @Override
    public void close() {
        if (state.compareAndSet(RUNNING, CLOSING)) {
            sleeping.set(true);
            wakeUp();
        }
        if (!inEventLoop()) {
            awaitUninterruptibly(terminated);
        }
    }

    private static void awaitUninterruptibly(CountDownLatch latch) {
        boolean interrupted = false;
        while (true) {
            try {
                latch.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Waits up to {@code timeout} for the loop thread to finish after {@link #close()}. */
    public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
        return terminated.await(timeout, unit);
    }

    @Override
    public String toString() {
        return "EventLoop[" + thread.getName() + "]";
    }
}
