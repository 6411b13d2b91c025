package dev.uring.nio;

import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.jspecify.annotations.Nullable;

/**
 * The executor that runs completion handlers (and waits for blocking locks) of channels opened
 * without one. Never a loop thread. Tasks go to one handler thread ({@code uring-nio-handler-0}),
 * which runs them in the order they came: the loops' handler batches then meet one thread that is
 * often still awake, instead of a hand-over to whichever pooled thread is idle per batch. The
 * JDK's default pool runs handlers concurrently, so a handler may block: when the thread waits in
 * one task (a lock, a future, a sleep) or has been in it for {@link #STALL_NANOS}, a watchdog that
 * looks every half of that moves the waiting tasks, and every new one until that task ends, to a
 * cached pool of daemon threads ({@code uring-nio-handler-N}), so no handler waits for good behind
 * another (one that waits for another's result included); a batch of handlers ({@link
 * HandlerBatches.Batch}) that the thread is in loses its handlers not yet started to the pool too,
 * and a batch goes there as one task per handler, so none waits behind another there either. So do
 * the waiting tasks when one of them was queued before the watchdog's last look (more work than one
 * thread keeps up with). Between tasks the thread polls a little before it parks, so that a caller
 * handing over a stream of short tasks rarely has to wake it; after polls that found nothing it parks
 * at once for a while (more times after each), so a thread whose tasks come far apart does not spin.
 * All are created on first use, never shut down, and inherit no inheritable thread-local, so none
 * carries the policy of whichever thread happened to make it.
 */
final class DefaultExecutor extends AbstractExecutorService {
    static final ExecutorService INSTANCE = new DefaultExecutor();
    /** How long one task may hold the handler thread before the others are run elsewhere. */
    static final long STALL_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    /** The most idle times the handler thread parks at once after its polls came up empty. */
    private static final int MAX_SPIN_BACKOFF = 1024;
    /**
     * How long the handler thread polls for the next task before it parks: a wake-up costs the caller a
     * syscall per task when tasks come a little apart. {@code -During.nio.handlerSpinMicros=N}.
     */
    static final long SPIN_NANOS = TimeUnit.MICROSECONDS.toNanos(Long.getLong("uring.nio.handlerSpinMicros", 10));

    private final ExecutorService overflow = Executors.newCachedThreadPool(Thread.ofPlatform().daemon()
            .name("uring-nio-handler-", 1).inheritInheritableThreadLocals(false).factory());
    private final ConcurrentLinkedQueue<Runnable> queue = new ConcurrentLinkedQueue<>();
    /** Whether the handler thread is parked, or about to (an execute then unparks it). */
    private final AtomicBoolean parked = new AtomicBoolean();
    /**
     * When the handler thread's current task began; 0 between tasks. Also the task's identity for the
     * watchdog: the same value at two looks is one task held that long.
     */
    private volatile long taskStarted;
    /** The handler thread's current task: written before {@link #taskStarted}, read by the watchdog after it. */
    private @Nullable Runnable running;
    /** Counts the tasks queued for the handler thread; with {@link #taken}, the watchdog tells a backlog. */
    private final AtomicLong queued = new AtomicLong();
    /** Counts the tasks the handler thread took off the queue; the handler thread writes it. */
    private volatile long taken;
    /** Counts the tasks the watchdog moved off the queue to the pool; the watchdog's only. */
    private long moved;
    /** Set by the watchdog while the current task holds the thread past the stall time; new tasks go to the pool. */
    private volatile boolean stalled;
    /** Whether the watchdog is parked without a deadline (the handler thread idle); it is unparked when work comes. */
    private final AtomicBoolean watchdogAsleep = new AtomicBoolean();
    /** The handler thread's: idle times left to park at once, and how many the next empty poll sets. */
    private int spinSkips;
    private int spinBackoff = 1;
    private final Thread lane;
    private final Thread watchdog;

    private DefaultExecutor() {
        lane = Thread.ofPlatform().daemon().name("uring-nio-handler-0").inheritInheritableThreadLocals(false)
                .unstarted(this::runLane);
        watchdog = Thread.ofPlatform().daemon().name("uring-nio-handler-watchdog").inheritInheritableThreadLocals(false)
                .unstarted(this::watch);
        lane.start();
        watchdog.start();
    }

    @Override
    public void execute(Runnable task) {
        if (task == null) {
            throw new NullPointerException("task");
        }
        if (stalled) {
            toPool(task);
            return;
        }
        queued.getAndIncrement();
        queue.offer(task);
        if (parked.get() && parked.compareAndSet(true, false)) {
            LockSupport.unpark(lane);
        }
    }

    private void runLane() {
        while (true) {
            Runnable task = queue.poll();
            if (task == null) {
                task = spinPoll();
            }
            if (task == null) {
                parked.set(true);
                if (queue.isEmpty()) {
                    LockSupport.park(this);
                }
                parked.set(false);
                continue;
            }
            taken++; // the only writer
            running = task;
            taskStarted = System.nanoTime() | 1; // never 0 while a task runs
            // after taskStarted is written: a watchdog going to sleep sees the task, or is woken here
            if (watchdogAsleep.get() && watchdogAsleep.compareAndSet(true, false)) {
                LockSupport.unpark(watchdog);
            }
            try {
                task.run();
            } catch (Throwable t) {
                // as a pooled thread would for a task of its own: report it, and go on with the others
                HandlerBatches.reportUncaught(t);
            } finally {
                running = null;
                taskStarted = 0;
                if (stalled) {
                    stalled = false; // the long task ended: new tasks come here again
                }
            }
        }
    }

    /**
     * Looks at the handler thread every half stall time while it works, and sleeps without a deadline
     * once it has been idle at two looks in a row.
     */
    private void watch() {
        long lastStarted = -1;
        long lastQueued = -1;
        int idleLooks = 0;
        while (true) {
            long started = taskStarted;
            long q = queued.get();
            if (stalled && (started == 0 || started != lastStarted)) {
                stalled = false; // the long task ended just as it was marked
            }
            if (started == 0 && queue.isEmpty()) {
                if (++idleLooks >= 2) {
                    watchdogAsleep.set(true);
                    if (taskStarted == 0 && queue.isEmpty()) {
                        LockSupport.park(this);
                    }
                    watchdogAsleep.set(false);
                    idleLooks = 0;
                    lastQueued = -1;
                    continue;
                }
            } else {
                idleLooks = 0;
                // waiting (a lock, a future, a sleep) or long in one task: the others go elsewhere
                if (started != 0 && started == lastStarted && (waiting(lane.getState())
                        || System.nanoTime() - started > STALL_NANOS)) {
                    stalled = true;
                    takeRestOfBatch();
                    moveWaiting();
                }
                // a task queued before the last look still waits: more work than one thread keeps up
                // with (a busy thread alone is not: short tasks queued behind each other are its use);
                // what waits runs on the pool, concurrently, as the JDK's would
                if (lastQueued >= 0 && taken + moved < lastQueued) {
                    moveWaiting();
                }
            }
            lastStarted = started;
            lastQueued = q;
            LockSupport.parkNanos(this, STALL_NANOS / 2);
        }
    }

    /**
     * Polls the queue for up to {@link #SPIN_NANOS}, only while polling pays: a poll that came up empty
     * doubles the idle times that then park at once, one that found a task ends that. The next task, or null.
     */
    private @Nullable Runnable spinPoll() {
        if (SPIN_NANOS <= 0) {
            return null;
        }
        if (spinSkips > 0) {
            spinSkips--;
            return null;
        }
        long deadline = System.nanoTime() + SPIN_NANOS;
        do {
            Thread.onSpinWait();
            Runnable task = queue.poll();
            if (task != null) {
                spinBackoff = 1;
                return task;
            }
        } while (System.nanoTime() - deadline < 0);
        spinSkips = spinBackoff;
        spinBackoff = Math.min(spinBackoff * 2, MAX_SPIN_BACKOFF);
        return null;
    }

    private static boolean waiting(Thread.State s) {
        return s == Thread.State.BLOCKED || s == Thread.State.WAITING || s == Thread.State.TIMED_WAITING;
    }

    /**
     * Hands the handlers of the stalled thread's batch that it has not started to the pool: one of them
     * may be what the running handler waits for. The task read may be a later one than the stalled
     * (the field is read without a lock): its rest then runs on the pool a little early, which is all.
     */
    private void takeRestOfBatch() {
        if (running instanceof HandlerBatches.Batch b) {
            toPool(b.takeRest());
        }
    }

    /** Hands the tasks waiting for the stalled handler thread to the pool, in their order. */
    private void moveWaiting() {
        @Nullable Runnable task;
        while ((task = queue.poll()) != null) {
            moved++;
            toPool(task);
        }
    }

    /**
     * Runs {@code task} on the pool; a batch as one task per handler, as the JDK's pool gets them, so
     * that no handler there waits behind another that waits for it.
     */
    private void toPool(Runnable task) {
        if (task instanceof HandlerBatches.Batch b) {
            toPool(b.takeRest());
        } else {
            overflow.execute(task);
        }
    }

    private void toPool(@Nullable HandlerDispatch<?, ?> handlers) {
        HandlerDispatch<?, ?> d = handlers;
        while (d != null) {
            HandlerDispatch<?, ?> next = d.next;
            d.next = null;
            overflow.execute(d);
            d = next;
        }
    }

    // an executor for the life of the JVM, like the JDK's default pool for file channels: nothing stops it

    @Override
    public void shutdown() {
        throw new UnsupportedOperationException("the default executor of uring-nio's channels is never shut down");
    }

    @Override
    public List<Runnable> shutdownNow() {
        throw new UnsupportedOperationException("the default executor of uring-nio's channels is never shut down");
    }

    @Override
    public boolean isShutdown() {
        return false;
    }

    @Override
    public boolean isTerminated() {
        return false;
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) {
        return false;
    }
}
