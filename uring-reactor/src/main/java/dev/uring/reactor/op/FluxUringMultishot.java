package dev.uring.reactor.op;

import dev.uring.core.Sqe;
import dev.uring.core.loop.EventLoop;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Flux;

/**
 * A cold {@link Flux} over one multishot io_uring op, with real demand: each subscription runs a
 * single-use {@link MultishotEngine}, so the op is armed while the subscriber has demand, cancelled
 * in the kernel (ASYNC_CANCEL) when demand reaches zero and armed again on the next request. CQEs
 * that arrive between the last wanted one and the cancel taking effect are kept, at most
 * {@link #MAX_OVERFLOW}, and delivered first on the next request; past that the Flux fails with an
 * overflow error, so nothing is buffered without bound. Its items hold nothing, so one that cannot
 * be delivered is simply dropped.
 *
 * @param <T> the items
 */
public final class FluxUringMultishot<T> extends Flux<T> {
    /** The most items kept for a subscriber without demand (a few CQEs race the cancel). */
    public static final int MAX_OVERFLOW = 256;

    private final OpRuntime uring;
    private final @Nullable EventLoop pinned;
    private final Supplier<? extends MultishotOperation<T>> factory;

    public FluxUringMultishot(OpRuntime uring, @Nullable EventLoop pinned, Supplier<? extends MultishotOperation<T>> factory) {
        this.uring = uring;
        this.pinned = pinned;
        this.factory = factory;
    }

    @Override
    public void subscribe(CoreSubscriber<? super T> actual) {
        MultishotOperation<T> op;
        EventLoop loop;
        try {
            if (uring.isClosed()) {
                throw new RuntimeClosedException(null);
            }
            loop = pinned != null ? pinned : uring.loop();
            op = factory.get();
        } catch (Throwable t) {
            MonoUringOp.refuse(actual, t);
            return;
        }
        new MultishotEngine<>(new OpSource<>(op), loop, false, MAX_OVERFLOW).subscribe(actual);
    }

    /** A {@link MultishotOperation} as the engine's source. */
    static final class OpSource<T> implements MultishotEngine.Source<T> {
        private final MultishotOperation<T> op;

        OpSource(MultishotOperation<T> op) {
            this.op = op;
        }

        @Override
        public void prep(Sqe sqe, boolean multishot) {
            op.prep(sqe);
        }

        @Override
        public void completion(int res, int flags, MultishotEngine.Outcome<T> out) {
            if (op.isSuccess(res)) {
                T item = op.item(res, flags);
                if (item != null) {
                    out.item(item);
                }
            } else {
                out.fail(op.error(res));
            }
        }

        @Override
        public void discard(T item) {
            // a tick holds nothing
        }

        @Override
        public void release() {
            op.release();
        }

        @Override
        public String toString() {
            return op.name();
        }
    }
}
