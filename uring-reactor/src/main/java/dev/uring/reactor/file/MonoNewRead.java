package dev.uring.reactor.file;

import dev.uring.core.Opcode;
import dev.uring.core.Sqe;
import dev.uring.core.loop.EventLoop;
import dev.uring.reactor.op.MonoUringOp;
import dev.uring.reactor.op.RuntimeClosedException;
import dev.uring.reactor.op.UringOperation;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import org.jspecify.annotations.Nullable;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Mono;

/**
 * {@link ReactiveFile#read(long, int)}: a READ into a block of the loop's memory pool, copied into
 * a new heap buffer. Same contract as {@link MonoUringOp} over a {@link ReadOp}, with two objects per
 * read besides the buffer: this Mono and its subscription, which is its own op (no op object, no
 * factory lambda, no arena: the block goes back to the pool after the final CQE).
 */
final class MonoNewRead extends Mono<ByteBuffer> {
    private final ReactiveFile file;
    private final long position;
    private final int length;

    MonoNewRead(ReactiveFile file, long position, int length) {
        this.file = file;
        this.position = position;
        this.length = length;
    }

    @Override
    public void subscribe(CoreSubscriber<? super ByteBuffer> actual) {
        EventLoop loop;
        if (file.uring().isClosed()) {
            // rules 1.4/1.9, as MonoUringOp: fail right after onSubscribe
            MonoUringOp.refuse(actual, new RuntimeClosedException(null));
            return;
        }
        try {
            loop = file.uring().loop();
            file.handle().acquire();
        } catch (Throwable t) {
            MonoUringOp.refuse(actual, t);
            return;
        }
        actual.onSubscribe(new Read(actual, loop, this));
    }

    /** One subscription, and its READ: holds a reference to the file from subscribe to release. */
    static final class Read extends MonoUringOp.OpSubscription<ByteBuffer> implements UringOperation<ByteBuffer> {
        private final MonoNewRead source;
        private @Nullable MemorySegment block;

        Read(CoreSubscriber<? super ByteBuffer> actual, EventLoop loop, MonoNewRead source) {
            super(actual, loop);
            this.source = source;
        }

        @Override
        public UringOperation<ByteBuffer> op() {
            return this;
        }

        @Override
        public long timeoutNanos() {
            return source.file.timeoutNanos();
        }

        @Override
        public void prep(Sqe sqe) {
            MonoNewRead s = source;
            MemorySegment b = memory().allocate(s.length);
            block = b;
            int fixed = s.file.slot().here();
            sqe.prepRead(fixed >= 0 ? fixed : s.file.handle().fd(), b, s.position);
            FileSlot.flag(sqe, fixed);
        }

        @Override
        public @Nullable ByteBuffer result(int res) {
            MemorySegment b = block;
            if (res == 0 || b == null) {
                return null;
            }
            // straight into the array: no segment over the new buffer
            byte[] out = new byte[res];
            MemorySegment.copy(b, ValueLayout.JAVA_BYTE, 0, out, 0, res);
            return ByteBuffer.wrap(out);
        }

        @Override
        public Opcode opcode() {
            return Opcode.READ;
        }

        // both UringOperation and Scannable have a default name(): the op's is the one meant here
        @Override
        public String name() {
            return "READ";
        }

        @Override
        public String target() {
            return source.file.handle().path();
        }

        /** The block goes back with the subscription's memory; this lets go of the file. */
        @Override
        public void release() {
            block = null;
            source.file.handle().release();
        }
    }
}
