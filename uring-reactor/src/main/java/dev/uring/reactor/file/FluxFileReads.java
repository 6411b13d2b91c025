package dev.uring.reactor.file;

import dev.uring.core.Errors;
import dev.uring.core.loop.Completion;
import dev.uring.core.loop.EventLoop;
import dev.uring.reactor.op.KernelHeld;
import dev.uring.reactor.op.LoopMemory;
import dev.uring.reactor.op.MonoUringOp;
import dev.uring.reactor.op.RuntimeClosedException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.Queue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicLongFieldUpdater;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.Exceptions;
import reactor.core.Fuseable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Operators;
import reactor.util.concurrent.Queues;

/**
 * {@link ReactiveFile#read(Publisher, int, int)}: one subscription for a whole stream of reads on
 * one loop. The positions are requested ahead (or, from a source that fuses synchronously, polled
 * from it one per read), a READ goes out for each while there is demand, a free buffer and fewer
 * than {@code concurrency} in flight; the reads prepared in one pass of the loop go to the kernel
 * in one io_uring_enter. Buffers: {@code 2 x concurrency} of {@code length} bytes, leased from the
 * loop's memory pool on the stream's first pass on its loop (no Arena of its own to open, zero and
 * close per stream), reused read after read, given back when the stream has ended, no read is in
 * flight and every chunk was released. Everything but subscribe, request, cancel, the positions'
 * signals and release runs on the loop, serialized by {@code wip}.
 *
 * <p>Per read the loop pays no atomic of the stream's own: a completion marks its slot and queues
 * one drain for the loop's next pass (behind the CQEs of the same reap, before the pass submits), so
 * the chunks of one reap are delivered and their reads replaced in one drain; a signal that comes
 * on the loop while it drains (a release in {@code onNext}, positions emitted by a request) only
 * asks for one more round of it; the kernel-held count moves once per drain, not per read.
 */
final class FluxFileReads extends Flux<FileChunk> {
    private final ReactiveFile file;
    private final Publisher<Long> positions;
    private final int length;
    private final int concurrency;
    private final boolean ordered;

    FluxFileReads(ReactiveFile file, Publisher<Long> positions, int length, int concurrency, boolean ordered) {
        this.file = file;
        this.positions = positions;
        this.length = length;
        this.concurrency = concurrency;
        this.ordered = ordered;
    }

    @Override
    public void subscribe(CoreSubscriber<? super FileChunk> actual) {
        if (file.uring().isClosed()) {
            MonoUringOp.refuse(actual, new RuntimeClosedException(null));
            return;
        }
        EventLoop loop;
        try {
            loop = file.uring().loop();
            file.handle().acquire();
        } catch (Throwable t) {
            MonoUringOp.refuse(actual, t);
            return;
        }
        Reads r;
        try {
            r = new Reads(actual, loop, this);
        } catch (Throwable t) {
            file.handle().release();
            MonoUringOp.refuse(actual, t);
            return;
        }
        actual.onSubscribe(r);
        positions.subscribe(r.upstream);
    }

    /** One chunk's state and its READ's completion (loop thread). */
    static final class Slot implements Completion {
        static final int FREE = 0;
        static final int READING = 1;
        static final int READY = 2;
        static final int DELIVERED = 3;
        @SuppressWarnings("rawtypes")
        static final AtomicIntegerFieldUpdater<Slot> STATE = AtomicIntegerFieldUpdater.newUpdater(Slot.class, "state");

        final Reads stream;
        final FileChunk chunk;
        final MemorySegment memory;
        volatile int state;
        long userData;
        int res;

        Slot(Reads stream, MemorySegment memory) {
            this.stream = stream;
            this.memory = memory;
            this.chunk = new FileChunk(this, memory.asByteBuffer());
        }

        @Override
        public void complete(int r, int flags) {
            res = r;
            stream.readDone(this);
        }

        /**
         * A move the loop makes: a release store, no fence. The only move made elsewhere is DELIVERED
         * to FREE, by CAS in a release, on a chunk that reached that thread through onNext, whose
         * hand-over orders this store before it.
         */
        void moveTo(int next) {
            STATE.lazySet(this, next);
        }
    }

    /** The subscription, and the positions' subscriber. */
    static final class Reads implements Subscription, Runnable {
        @SuppressWarnings("rawtypes")
        static final AtomicIntegerFieldUpdater<Reads> WIP = AtomicIntegerFieldUpdater.newUpdater(Reads.class, "wip");
        @SuppressWarnings("rawtypes")
        static final AtomicLongFieldUpdater<Reads> REQUESTED = AtomicLongFieldUpdater.newUpdater(Reads.class, "requested");

        final CoreSubscriber<? super FileChunk> actual;
        final EventLoop loop;
        final FluxFileReads source;
        final Upstream upstream = new Upstream();
        // the positions requested ahead; unused when the source fused synchronously (range,
        // fromIterable, a map of them): then it is itself the queue, polled on the loop one per read
        final Queue<Long> queue;
        volatile @Nullable Queue<Long> fused;
        // loop thread only: a position polled from a fused source to learn whether it had more
        @Nullable Long lookahead;
        final int prefetch;
        // the stream's buffers, leased on its loop at the first pass (loop thread); slots made with them
        @Nullable Arena arena;
        volatile Slot @Nullable [] slots;
        volatile int wip;
        volatile long requested;
        volatile boolean cancelled;
        volatile boolean upstreamDone;
        @Nullable Throwable upstreamError;
        volatile @Nullable Subscription s;
        // loop thread only
        long emitted;
        long issued;
        long delivered;
        int inFlight;
        int consumed;
        // completion order: READY slots in the order they completed
        final Slot[] ready;
        int readyHead;
        int readyCount;
        // where the search for a free slot starts: just past the last one taken, so that it meets the
        // slots freed longest ago first instead of walking past the ones still reading
        int nextFree;
        boolean terminated;
        // a read that failed: the stream ends at once, without waiting for demand or older chunks
        @Nullable Throwable failed;
        // read by tests once the stream is quiet: the most reads it had in flight, whether its memory is freed
        volatile int maxInFlight;
        volatile boolean freed;
        // loop thread only: a drain is running (a signal on the loop then asks for another round), one
        // is queued for the next pass, and reads taken or given back since the kernel-held count moved
        boolean draining;
        boolean again;
        boolean passQueued;
        int heldDelta;
        final Runnable passDrain = () -> {
            passQueued = false;
            schedule();
        };

        Reads(CoreSubscriber<? super FileChunk> actual, EventLoop loop, FluxFileReads source) {
            this.actual = actual;
            this.loop = loop;
            this.source = source;
            int n = 2 * source.concurrency;
            this.prefetch = n;
            this.queue = Queues.<Long>get(n).get();
            this.ready = new Slot[n];
        }

        /** The buffers and their slots, from this loop's pool (any thread may read them: chunks travel). */
        private Slot[] slots() {
            Slot[] made = slots;
            if (made == null) {
                Arena a = LoopMemory.leaseShared();
                arena = a;
                made = new Slot[prefetch];
                for (int i = 0; i < made.length; i++) {
                    made[i] = new Slot(this, a.allocate(source.length, 64));
                }
                slots = made;
            }
            return made;
        }

        @Override
        public void request(long n) {
            // unbounded already (count, collect): a filter's request(1) per dropped chunk adds nothing
            if (Operators.validate(n) && requested != Long.MAX_VALUE) {
                Operators.addCap(REQUESTED, this, n);
                schedule();
            }
        }

        @Override
        public void cancel() {
            cancelled = true;
            schedule();
        }

        void released(Slot slot) {
            if (Slot.STATE.compareAndSet(slot, Slot.DELIVERED, Slot.FREE)) {
                schedule();
            }
        }

        void readDone(Slot slot) {
            inFlight--;
            heldDelta--;
            if (terminated) {
                slot.moveTo(Slot.FREE);
            } else if (slot.res < 0) {
                slot.moveTo(Slot.FREE);
                if (failed == null) {
                    failed = Errors.toException(slot.res, "READ", source.file.handle().path());
                }
            } else {
                slot.moveTo(Slot.READY);
                if (!source.ordered) {
                    int tail = readyHead + readyCount++;
                    ready[tail < ready.length ? tail : tail - ready.length] = slot;
                }
            }
            if (!passQueued) {
                passQueued = true;
                try {
                    loop.execute(passDrain); // on the loop: no wake-up, run at the start of its next pass
                } catch (RejectedExecutionException closing) {
                    passQueued = false; // the loop is closing (its last CQEs): no next pass to wait for
                    KernelHeld.add(heldDelta); // now: a stream ended off the loop drains no more
                    heldDelta = 0;
                    schedule();
                }
            }
        }

        void schedule() {
            if (draining && loop.inEventLoop()) {
                again = true; // from inside the drain on the loop: one more round, no atomic
                return;
            }
            if (WIP.getAndIncrement(this) != 0) {
                return;
            }
            if (loop.inEventLoop()) {
                run();
                return;
            }
            try {
                loop.execute(this);
            } catch (RejectedExecutionException e) {
                // the loop is gone, and with it every read it had (its close waits for their CQEs)
                if (!terminated) {
                    terminated = true;
                    Subscription up = s;
                    if (up != null) {
                        up.cancel();
                    }
                    actual.onError(new RuntimeClosedException(e));
                }
            }
        }

        /** The drain: on the loop thread only. */
        @Override
        public void run() {
            int missed = 1;
            draining = true;
            try {
                do {
                    do {
                        again = false;
                        drain();
                    } while (again);
                    missed = WIP.addAndGet(this, -missed);
                } while (missed != 0);
            } finally {
                draining = false;
            }
        }

        private void drain() {
            if (!terminated && cancelled) {
                terminate(null, false);
            }
            Throwable f = failed;
            if (!terminated && f != null) {
                terminate(f, true);
            }
            if (!terminated) {
                deliver();
            }
            if (!terminated) {
                issue();
            }
            int held = heldDelta;
            if (held != 0) {
                heldDelta = 0;
                KernelHeld.add(held);
            }
            if (terminated && !freed && inFlight == 0 && allFree()) {
                freed = true;
                Arena a = arena;
                if (a != null) {
                    arena = null;
                    a.close();
                }
                source.file.handle().release();
            }
        }

        private boolean allFree() {
            Slot[] all = slots;
            if (all == null) {
                return true;
            }
            for (Slot slot : all) {
                if (slot.state != Slot.FREE) {
                    return false;
                }
            }
            return true;
        }

        private void deliver() {
            long r = requested;
            while (emitted != r) {
                Slot slot;
                if (source.ordered) {
                    if (delivered == issued) {
                        break;
                    }
                    slot = slotOf(delivered);
                    if (slot.state != Slot.READY) {
                        break;
                    }
                } else {
                    if (readyCount == 0) {
                        break;
                    }
                    slot = ready[readyHead];
                    ready[readyHead] = null;
                    if (++readyHead == ready.length) {
                        readyHead = 0;
                    }
                    readyCount--;
                }
                int res = slot.res;
                ByteBuffer view = slot.chunk.view;
                view.clear().limit(res);
                slot.moveTo(Slot.DELIVERED);
                delivered++;
                emitted++;
                actual.onNext(slot.chunk);
                if (terminated || cancelled) {
                    return; // a cancel from onNext: nothing more, though more chunks of this reap are ready
                }
            }
            Queue<Long> f = fused;
            if (f != null && !upstreamDone && delivered == issued && lookahead == null) {
                // every read issued was delivered: a fused source says it is done only when polled
                Long p = nextPosition(f);
                if (terminated) {
                    return;
                }
                if (p == null) {
                    upstreamDone = true;
                } else {
                    lookahead = p;
                }
            }
            if (upstreamDone) {
                Throwable e = upstreamError;
                if (e != null) {
                    // an error needs no demand (rule 1.4): at once, the reads in flight cancelled
                    terminate(e, true);
                } else if (delivered == issued && (f != null || queue.isEmpty())) {
                    terminate(null, true);
                }
            }
        }

        /** The slot a read of sequence {@code seq} uses in position order: a window of the slot count. */
        private Slot slotOf(long seq) {
            Slot[] all = slots();
            return all[(int) (seq % all.length)];
        }

        private void issue() {
            // the fixed-file slot of this loop's ring when the file has one: one lookup per pass
            long target = source.file.slot().target(source.file.handle().fd());
            long r = requested;
            Queue<Long> f = fused;
            Queue<Long> q = f != null ? f : queue;
            // issued and requested both count from the start: no more reads out than chunks asked for
            while (inFlight < source.concurrency && issued < r) {
                Slot slot;
                if (source.ordered) {
                    slot = slotOf(issued);
                    if (slot.state != Slot.FREE) {
                        break;
                    }
                } else {
                    slot = freeSlot();
                    if (slot == null) {
                        break;
                    }
                }
                Long p = nextPosition(q);
                if (terminated) {
                    return;
                }
                if (p == null) {
                    if (f != null && !upstreamDone) {
                        upstreamDone = true; // a fused source is done when it has no more
                        again = true;
                    }
                    break;
                }
                long position = p;
                if (position < 0) {
                    terminate(new IllegalArgumentException("position must not be negative, got " + position), true);
                    return;
                }
                slot.chunk.position = position;
                slot.moveTo(Slot.READING);
                long ud = loop.register(slot);
                try {
                    FileSlot.flag(loop.nextSqe().prepRead(FileSlot.file(target), slot.memory, position), target)
                            .userData(ud);
                } catch (RuntimeException e) {
                    loop.unregister(ud);
                    slot.moveTo(Slot.FREE);
                    terminate(e, true);
                    return;
                }
                slot.userData = ud;
                heldDelta++;
                if (++inFlight > maxInFlight) {
                    maxInFlight = inFlight;
                }
                issued++;
                if (f == null && ++consumed == prefetch / 2) {
                    int c = consumed;
                    consumed = 0;
                    Subscription up = s;
                    if (up != null) {
                        up.request(c);
                    }
                }
            }
        }

        /**
         * The next position from {@code q}: the one looked ahead, else polled; null when there is none
         * now (or, from a fused source, any more). A fused source runs code in poll (a map's function):
         * its failure ends the stream, and then this is null with {@code terminated} set.
         */
        private @Nullable Long nextPosition(Queue<Long> q) {
            Long p = lookahead;
            if (p != null) {
                lookahead = null;
                return p;
            }
            if (q != queue && upstreamDone) {
                return null; // a fused source that said it was done is not polled again
            }
            try {
                return q.poll();
            } catch (Throwable e) {
                terminate(Operators.onOperatorError(s, e, actual.currentContext()), true);
                return null;
            }
        }

        /** Whether the positions are polled from a synchronously fused source (for tests). */
        boolean isFused() {
            return fused != null;
        }

        private @Nullable Slot freeSlot() {
            Slot[] all = slots();
            int n = all.length;
            for (int k = 0, i = nextFree; k < n; k++, i = i + 1 == n ? 0 : i + 1) {
                if (all[i].state == Slot.FREE) {
                    nextFree = i + 1 == n ? 0 : i + 1;
                    return all[i];
                }
            }
            return null;
        }

        /**
         * Ends the stream: the positions are cancelled, the reads in flight cancelled in the kernel
         * (their buffers stay until their final CQE), chunks read but not delivered taken back; the
         * subscriber gets {@code error} or completes when {@code signal}.
         */
        private void terminate(@Nullable Throwable error, boolean signal) {
            terminated = true;
            Subscription up = s;
            if (up != null && !upstreamDone) {
                up.cancel();
            }
            Queue<Long> f = fused;
            (f != null ? f : queue).clear();
            lookahead = null;
            for (int i = 0; i < ready.length; i++) {
                ready[i] = null;
            }
            readyCount = 0;
            Slot[] all = slots;
            if (all != null) {
                for (Slot slot : all) {
                    if (slot.state == Slot.READING) {
                        loop.cancel(slot.userData);
                    } else if (slot.state == Slot.READY) {
                        slot.moveTo(Slot.FREE);
                    }
                }
            }
            if (signal) {
                if (error != null) {
                    actual.onError(error);
                } else {
                    actual.onComplete();
                }
            }
        }

        /** The positions' subscriber: signals may come on any thread, serialized by the publisher. */
        final class Upstream implements CoreSubscriber<Long> {
            @Override
            public reactor.util.context.Context currentContext() {
                return actual.currentContext();
            }

            @Override
            public void onSubscribe(Subscription sub) {
                if (Operators.validate(s, sub)) {
                    if (sub instanceof Fuseable.QueueSubscription<?> fusing
                            && fusing.requestFusion(Fuseable.SYNC) == Fuseable.SYNC) {
                        @SuppressWarnings("unchecked")
                        Queue<Long> source = (Queue<Long>) fusing;
                        s = sub;
                        fused = source; // one field: a drain sees the fused source whole, or not at all
                        schedule(); // no request: the drain polls the source for each read it issues
                        return;
                    }
                    s = sub;
                    if (cancelled) {
                        sub.cancel();
                    } else {
                        sub.request(prefetch);
                    }
                }
            }

            @Override
            public void onNext(Long position) {
                if (!queue.offer(position)) {
                    onError(Operators.onOperatorError(s, Exceptions.failWithOverflow(), position, actual.currentContext()));
                    return;
                }
                schedule();
            }

            @Override
            public void onError(Throwable t) {
                upstreamError = t;
                upstreamDone = true;
                schedule();
            }

            @Override
            public void onComplete() {
                upstreamDone = true;
                schedule();
            }
        }
    }
}
