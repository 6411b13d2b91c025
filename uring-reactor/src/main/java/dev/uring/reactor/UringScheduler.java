package dev.uring.reactor;

import dev.uring.core.loop.EventLoop;
import java.util.Objects;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.Exceptions;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * A Reactor {@link Scheduler} over a runtime's loop threads. Immediate tasks are handed over with
 * {@link EventLoop#execute}; delayed ones wait in the kernel (TIMEOUT), periodic ones on a
 * multishot TIMEOUT, so no thread ever sleeps. Each {@link Worker} is pinned to one loop, which
 * keeps its tasks in order. Tasks must not block: the threads are {@code NonBlocking}.
 */
final class UringScheduler implements Scheduler {
    private final Uring uring;
    private final Disposable.Composite tasks = Disposables.composite();

    UringScheduler(Uring uring) {
        this.uring = uring;
    }

    private EventLoop pick() {
        if (tasks.isDisposed()) {
            throw Exceptions.failWithRejected("the io_uring scheduler is disposed");
        }
        try {
            return uring.loop();
        } catch (IllegalStateException e) {
            throw Exceptions.failWithRejected(e.getMessage());
        }
    }

    @Override
    public Disposable schedule(Runnable task) {
        return run(pick(), task, null);
    }

    @Override
    public Disposable schedule(Runnable task, long delay, TimeUnit unit) {
        return delayed(pick(), task, unit.toNanos(delay), null);
    }

    @Override
    public Disposable schedulePeriodically(Runnable task, long initialDelay, long period, TimeUnit unit) {
        return periodic(pick(), task, unit.toNanos(initialDelay), unit.toNanos(period), null);
    }

    /** Runs {@code task} on {@code loop}; the Disposable stops it if it has not started. */
    static Disposable run(EventLoop loop, Runnable task, Disposable.@Nullable Composite owner) {
        Objects.requireNonNull(task, "task");
        Runnable decorated = Schedulers.onSchedule(task);
        Disposable.Swap guard = Disposables.swap();
        Runnable r = () -> {
            if (!guard.isDisposed()) {
                invoke(decorated);
                if (owner != null) {
                    owner.remove(guard);
                }
            }
        };
        if (owner != null && !owner.add(guard)) {
            throw Exceptions.failWithRejected("the worker is disposed");
        }
        try {
            loop.execute(r);
        } catch (RejectedExecutionException e) {
            throw Exceptions.failWithRejected("the io_uring runtime is closed");
        }
        return guard;
    }

    Disposable delayed(EventLoop loop, Runnable task, long nanos, Disposable.@Nullable Composite owner) {
        Objects.requireNonNull(task, "task");
        if (nanos <= 0) {
            return run(loop, task, owner);
        }
        Runnable decorated = Schedulers.onSchedule(task);
        Disposable.Swap guard = Disposables.swap();
        if (owner != null && !owner.add(guard)) {
            throw Exceptions.failWithRejected("the worker is disposed");
        }
        guard.update(uring.timer(loop, nanos).subscribe(v -> {
            invoke(decorated);
            if (owner != null) {
                owner.remove(guard);
            }
        }, UringScheduler::uncaught));
        return guard;
    }

    Disposable periodic(EventLoop loop, Runnable task, long initialNanos, long periodNanos,
            Disposable.@Nullable Composite owner) {
        Objects.requireNonNull(task, "task");
        if (periodNanos <= 0) {
            throw new IllegalArgumentException("period must be positive, got " + periodNanos + " ns");
        }
        Runnable decorated = Schedulers.onSchedule(task);
        Disposable.Swap guard = Disposables.swap();
        if (owner != null && !owner.add(guard)) {
            throw Exceptions.failWithRejected("the worker is disposed");
        }
        guard.update(uring.timer(loop, Math.max(0, initialNanos))
                .thenMany(reactor.core.publisher.Flux.just(0L).concatWith(uring.ticks(loop, periodNanos)))
                .subscribe(v -> invoke(decorated), UringScheduler::uncaught));
        return guard;
    }

    private static void invoke(Runnable task) {
        try {
            task.run();
        } catch (Throwable t) {
            uncaught(t);
        }
    }

    /** A failed task goes to its thread's uncaught-exception handler, as in Reactor's own schedulers. */
    private static void uncaught(Throwable t) {
        Exceptions.throwIfJvmFatal(t);
        Thread current = Thread.currentThread();
        Thread.UncaughtExceptionHandler h = current.getUncaughtExceptionHandler();
        if (h != null) {
            h.uncaughtException(current, t);
        }
    }

    @Override
    public Worker createWorker() {
        return new LoopWorker(this, pick());
    }

    @Override
    public void dispose() {
        tasks.dispose();
    }

    @Override
    public boolean isDisposed() {
        return tasks.isDisposed();
    }

    @Override
    public void init() {
    }

    @Override
    public String toString() {
        return "UringScheduler[" + uring + "]";
    }

    /** A worker pinned to one loop: its tasks run in submission order. */
    static final class LoopWorker implements Worker {
        private final UringScheduler scheduler;
        private final EventLoop loop;
        private final Disposable.Composite tasks = Disposables.composite();

        LoopWorker(UringScheduler scheduler, EventLoop loop) {
            this.scheduler = scheduler;
            this.loop = loop;
        }

        @Override
        public Disposable schedule(Runnable task) {
            return run(loop, task, tasks);
        }

        @Override
        public Disposable schedule(Runnable task, long delay, TimeUnit unit) {
            return scheduler.delayed(loop, task, unit.toNanos(delay), tasks);
        }

        @Override
        public Disposable schedulePeriodically(Runnable task, long initialDelay, long period, TimeUnit unit) {
            return scheduler.periodic(loop, task, unit.toNanos(initialDelay), unit.toNanos(period), tasks);
        }

        @Override
        public void dispose() {
            tasks.dispose();
        }

        @Override
        public boolean isDisposed() {
            return tasks.isDisposed();
        }
    }
}
