package dev.uring.reactor.net;

import dev.uring.core.CqeFlags;
import dev.uring.core.Sqe;
import dev.uring.core.loop.EventLoop;
import dev.uring.reactor.op.Errnos;
import dev.uring.reactor.op.MultishotEngine;
import dev.uring.reactor.op.OpRuntime;
import org.jspecify.annotations.Nullable;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Flux;

/**
 * The receiving side of one socket (a {@code Connection}, a {@code UdpSocket}; what differs between
 * them is its {@link InboundSource}): RECV or RECVMSG with buffer select from the loop's
 * {@link RecvBufferPool}, run by a reusable {@link MultishotEngine}. A demand of
 * {@link #MULTISHOT_DEMAND} or more (any demand for a {@link InboundSource#multishotOnly()} source:
 * datagrams) arms a multishot receive, armed multishot again after the kernel ends it (a dry ring)
 * until the demand runs out; a subscriber that never asks for that many gets one single-shot RECV
 * at a time, so a slow subscriber holds no more buffers than it asked for. Its policy for what it
 * cannot deliver: received data is never dropped while the socket is open (kept for the next
 * subscriber), and goes back to the ring once it closes; the end of stream completes; a dry ring
 * (ENOBUFS) pauses the engine until a buffer comes back. Loop thread only, except subscribe and the
 * subscription.
 */
public final class Inbound<T> extends Flux<T> {
    /** The demand from which a multishot RECV is armed (Reactor's usual prefetch is 32 or 256). */
    public static final int MULTISHOT_DEMAND = 16;

    private final InboundSource<T> source;
    private final EventLoop loop;
    private final RecvBufferPool pool;
    private final MultishotEngine<T> engine;
    /** Buffers lent and not yet released (queued ones included); written on the loop. */
    private volatile int held;

    public Inbound(InboundSource<T> source, EventLoop loop, RecvBufferPool pool) {
        this.source = source;
        this.loop = loop;
        this.pool = pool;
        // queued items are bounded by the ring's buffers, so no overflow limit of its own
        this.engine = new MultishotEngine<>(new Receive(), loop, true, Integer.MAX_VALUE);
    }

    @Override
    public void subscribe(CoreSubscriber<? super T> actual) {
        engine.subscribe(actual);
    }

    /** The buffers lent out and not released yet (for tests: a slow consumer's memory). */
    public int held() {
        return held;
    }

    /** How many times a receive was armed (for tests). */
    public long armings() {
        return engine.armings();
    }

    /** A buffer of this inbound came back; loop thread. */
    void returned() {
        held--;
    }

    /** Ends receiving because the socket closes; the subscriber completes (or fails with a set error). Loop thread. */
    public void close() {
        engine.close();
    }

    /** Fails the subscriber with {@code e} (idle timeout) ahead of the close. Loop thread. */
    public void fail(Throwable e) {
        engine.failNow(e);
    }

    /** The engine's source: the socket's receive, and what becomes of each CQE's buffer. */
    private final class Receive implements MultishotEngine.Source<T> {
        @Override
        public void acquire() {
            source.handle().acquire();
        }

        @Override
        public void unacquire() {
            source.handle().release();
        }

        @Override
        public void prep(Sqe sqe, boolean multishot) {
            source.prep(sqe, source.handle().fd(), pool.group(), multishot || source.multishotOnly());
        }

        @Override
        public long multishotDemand() {
            return source.multishotOnly() ? 1 : MULTISHOT_DEMAND;
        }

        @Override
        public void completion(int res, int flags, MultishotEngine.Outcome<T> out) {
            if (res > 0) {
                source.touch();
                T b = source.item(pool, CqeFlags.bufferId(flags), res, Inbound.this);
                held++;
                out.item(b);
            } else if (res == 0) {
                if ((flags & CqeFlags.BUFFER) != 0) {
                    pool.recycleUnread(CqeFlags.bufferId(flags));
                }
                out.end();
            } else if (res == -Errnos.ENOBUFS) {
                // the ring ran dry; the data waits in the socket until a buffer comes back
                if (pool.available() == 0) {
                    out.pause();
                    pool.await(engine::resume);
                }
            } else {
                out.fail(source.error(res));
            }
        }

        @Override
        public void discard(T item) {
            source.release(item);
        }

        @Override
        public @Nullable Throwable refusal() {
            return source.uring().admits(loop) ? null : OpRuntime.refusal("receive", source.toString());
        }

        @Override
        public @Nullable Throwable pendingFailure() {
            return source.pendingFailure();
        }

        @Override
        public String toString() {
            return source.toString();
        }
    }
}
