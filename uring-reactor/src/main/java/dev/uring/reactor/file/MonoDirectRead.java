package dev.uring.reactor.file;

import dev.uring.core.Opcode;
import dev.uring.core.Sqe;
import dev.uring.core.loop.EventLoop;
import dev.uring.reactor.op.MonoUringOp;
import dev.uring.reactor.op.UringOperation;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Mono;

/**
 * {@link ReactiveFile#read(ByteBuffer, long)} into a direct buffer: the hot path of random reads.
 * Same contract as {@link MonoUringOp} over a {@link ReadOp}, with fewer objects per read: the
 * subscription is itself the op (no op object, no factory lambda), the kernel reads into the
 * buffer in place (no arena), and a result that is a whole number of 512-byte sectors up to
 * 64 KiB comes boxed from a shared table.
 */
final class MonoDirectRead extends Mono<Integer> {
    private static final int SECTOR_SHIFT = 9;
    private static final Integer[] SECTORS = new Integer[(64 * 1024 >> SECTOR_SHIFT) + 1];

    static {
        for (int i = 0; i < SECTORS.length; i++) {
            SECTORS[i] = i << SECTOR_SHIFT;
        }
    }

    // three fields (32 bytes with the header): the runtime, the handle and the timeout come from the file
    private final ReactiveFile file;
    private final ByteBuffer dst;
    private final long position;

    MonoDirectRead(ReactiveFile file, ByteBuffer dst, long position) {
        this.file = file;
        this.dst = dst;
        this.position = position;
    }

    @Override
    public void subscribe(CoreSubscriber<? super Integer> actual) {
        EventLoop loop;
        try {
            loop = file.uring().loop();
            file.handle().acquire();
        } catch (Throwable t) {
            MonoUringOp.refuse(actual, t);
            return;
        }
        actual.onSubscribe(new Read(actual, loop, this));
    }

    /** {@code n} boxed, from the shared table when it is a whole number of sectors up to 64 KiB. */
    static Integer boxed(int n) {
        if ((n & ((1 << SECTOR_SHIFT) - 1)) == 0 && n >= 0 && (n >> SECTOR_SHIFT) < SECTORS.length) {
            return SECTORS[n >> SECTOR_SHIFT];
        }
        return Integer.valueOf(n);
    }

    /** One subscription, and its READ: holds a reference to the file from subscribe to release. */
    static final class Read extends MonoUringOp.OpSubscription<Integer> implements UringOperation<Integer> {
        private final MonoDirectRead source;

        Read(CoreSubscriber<? super Integer> actual, EventLoop loop, MonoDirectRead source) {
            super(actual, loop);
            this.source = source;
        }

        @Override
        public UringOperation<Integer> op() {
            return this;
        }

        @Override
        public long timeoutNanos() {
            return source.file.timeoutNanos();
        }

        @Override
        public void prep(Sqe sqe) {
            MonoDirectRead s = source;
            // a view of dst's remaining bytes, bounds checked by prepRead; it does not outlive this call
            int slot = s.file.slot().here();
            sqe.prepRead(slot >= 0 ? slot : s.file.handle().fd(), MemorySegment.ofBuffer(s.dst), s.position);
            FileSlot.flag(sqe, slot);
        }

        @Override
        public Integer result(int res) {
            if (res == 0) {
                return -1;
            }
            ByteBuffer d = source.dst;
            d.position(d.position() + res);
            return boxed(res);
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

        @Override
        public void release() {
            source.file.handle().release();
        }
    }
}
