package dev.uring.reactor.file;

import dev.uring.core.Sqe;
import dev.uring.core.loop.EventLoop;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import reactor.core.CoreSubscriber;

/**
 * {@link ReactiveFile#read(ByteBuffer, long)} into a direct buffer: the hot path of random reads.
 * Same contract as {@code MonoUringOp} over a {@link ReadOp}, with fewer objects per read (see
 * {@link MonoFileRead}): the kernel reads into the buffer in place (no arena), and a result that is
 * a whole number of 512-byte sectors up to 64 KiB comes boxed from a shared table.
 */
final class MonoDirectRead extends MonoFileRead<Integer> {
    private static final int SECTOR_SHIFT = 9;
    private static final Integer[] SECTORS = new Integer[(64 * 1024 >> SECTOR_SHIFT) + 1];

    static {
        for (int i = 0; i < SECTORS.length; i++) {
            SECTORS[i] = i << SECTOR_SHIFT;
        }
    }

    private final ByteBuffer dst;

    MonoDirectRead(ReactiveFile file, ByteBuffer dst, long position) {
        super(file, position);
        this.dst = dst;
    }

    @Override
    Read subscription(CoreSubscriber<? super Integer> actual, EventLoop loop) {
        return new Read(actual, loop, this);
    }

    /** {@code n} boxed, from the shared table when it is a whole number of sectors up to 64 KiB. */
    static Integer boxed(int n) {
        if ((n & ((1 << SECTOR_SHIFT) - 1)) == 0 && n >= 0 && (n >> SECTOR_SHIFT) < SECTORS.length) {
            return SECTORS[n >> SECTOR_SHIFT];
        }
        return Integer.valueOf(n);
    }

    /** The READ into the caller's buffer, in place. */
    static final class Read extends MonoFileRead.Read<Integer> {
        Read(CoreSubscriber<? super Integer> actual, EventLoop loop, MonoDirectRead source) {
            super(actual, loop, source);
        }

        @Override
        public void prep(Sqe sqe) {
            // a view of dst's remaining bytes, bounds checked by prepRead; it does not outlive this call
            prepRead(sqe, MemorySegment.ofBuffer(((MonoDirectRead) source).dst));
        }

        @Override
        public Integer result(int res) {
            if (res == 0) {
                return -1;
            }
            ByteBuffer d = ((MonoDirectRead) source).dst;
            d.position(d.position() + res);
            return boxed(res);
        }
    }
}
