package dev.uring.reactor.file;

import dev.uring.core.Opcode;
import dev.uring.core.Sqe;
import dev.uring.core.loop.EventLoop;
import dev.uring.reactor.op.MonoUringOp;
import dev.uring.reactor.op.RuntimeClosedException;
import dev.uring.reactor.op.UringOperation;
import java.lang.foreign.MemorySegment;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Mono;

/**
 * A READ of a {@link ReactiveFile} as a Mono whose subscription is itself the op (no op object, no
 * factory lambda): the subscribe path and the op's skeleton shared by {@link MonoDirectRead} (into
 * the caller's direct buffer) and {@link MonoNewRead} (into a new heap buffer), which differ only in
 * the memory the kernel reads into and in the result.
 *
 * @param <T> the result
 */
abstract class MonoFileRead<T> extends Mono<T> {
    final ReactiveFile file;
    final long position;

    MonoFileRead(ReactiveFile file, long position) {
        this.file = file;
        this.position = position;
    }

    /** The subscription (and op) of one subscriber. */
    abstract Read<T> subscription(CoreSubscriber<? super T> actual, EventLoop loop);

    @Override
    public final void subscribe(CoreSubscriber<? super T> actual) {
        if (file.uring().isClosed()) {
            // rules 1.4/1.9, as MonoUringOp: fail right after onSubscribe
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
        actual.onSubscribe(subscription(actual, loop));
    }

    /** One subscription, and its READ: holds a reference to the file from subscribe to release. */
    abstract static class Read<T> extends MonoUringOp.OpSubscription<T> implements UringOperation<T> {
        // one field: the file and the position stay in the Mono (fewer bytes per read)
        final MonoFileRead<T> source;

        Read(CoreSubscriber<? super T> actual, EventLoop loop, MonoFileRead<T> source) {
            super(actual, loop);
            this.source = source;
        }

        /** Fills {@code sqe} with the READ into {@code target}, naming the file as {@link FileSlot#target} chooses. */
        final void prepRead(Sqe sqe, MemorySegment target) {
            ReactiveFile file = source.file;
            long t = file.slot().target(file.handle().fd());
            FileSlot.flag(sqe.prepRead(FileSlot.file(t), target, source.position), t);
        }

        @Override
        public final UringOperation<T> op() {
            return this;
        }

        @Override
        public final long timeoutNanos() {
            return source.file.timeoutNanos();
        }

        @Override
        public final Opcode opcode() {
            return Opcode.READ;
        }

        // both UringOperation and Scannable have a default name(): the op's is the one meant here
        @Override
        public final String name() {
            return "READ";
        }

        @Override
        public final String target() {
            return source.file.handle().path();
        }

        /** Lets go of the file. */
        @Override
        public void release() {
            source.file.handle().release();
        }
    }
}
