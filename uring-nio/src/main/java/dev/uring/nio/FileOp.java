package dev.uring.nio;

import dev.uring.core.Sqe;
import dev.uring.core.loop.Completion;
import dev.uring.core.loop.EventLoop;
import java.io.IOException;
import org.jspecify.annotations.Nullable;

/**
 * One op of a channel, from the hand-over to its loop until its final CQE. It holds exactly what the
 * kernel may touch until then (a direct buffer, or a bounce buffer of its loop's pool) and gives the
 * memory back only after the CQE, even when the op was cancelled. {@link InFlight} drives it: on the
 * loop thread it calls {@link #reserve}, then {@link #prep} on the op's SQE, then, after the CQE,
 * {@link #result} (for a non-negative {@code res}) and {@link #release}.
 */
abstract class FileOp<V> implements Completion, Runnable {
    final Outcome<V> outcome;
    private @Nullable InFlight owner;
    /** The loop the op was submitted on; written on that loop after {@link #userData}, read by a closer. */
    volatile @Nullable EventLoop loop;
    long userData;
    /** The loop the op is handed to; set before the hand-over, which publishes it. */
    EventLoop target;
    /** Neighbours in the owner's list of started ops, and whether the op is in it; loop thread only. */
    @Nullable FileOp<?> prev;
    @Nullable FileOp<?> next;
    boolean linked;

    FileOp(Outcome<V> outcome) {
        this.outcome = outcome;
    }

    void owner(InFlight owner) {
        this.owner = owner;
    }

    /** Takes the native memory the op needs; loop thread, before its SQE is claimed. */
    void reserve(BounceBuffers pool) {
    }

    /** Fills the op's SQE (user_data aside); must not throw for arguments {@link InFlight} let through. */
    abstract void prep(Sqe sqe, int fd);

    /** The op's value from a non-negative CQE result; loop thread, before {@link #release}. */
    abstract V result(int res) throws IOException;

    /** Gives the op's memory back; loop thread, once, after the final CQE or a failed start. */
    void release(BounceBuffers pool) {
    }

    /** The op's kernel name for error messages, e.g. {@code READ}. */
    abstract String name();

    /** Starts the op: its owner's loop runs it when the op is handed over. */
    @Override
    public final void run() {
        InFlight o = owner;
        if (o != null) {
            o.start(this);
        }
    }

    @Override
    public final void complete(int res, int flags) {
        InFlight o = owner;
        if (o != null) {
            o.completed(this, res);
        }
    }
}
