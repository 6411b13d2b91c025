package dev.uring.nio;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Native memory for ops on heap {@link java.nio.ByteBuffer}s, which the kernel cannot address: one
 * pool per event loop, used only on that loop's thread (an op takes its buffer when it is prepared
 * and gives it back after its final CQE, both on the loop). Sizes are rounded up to a power of two
 * from 4 KiB to 1 MiB; each size class keeps at most {@link #CLASS_BUDGET} bytes of buffers, which
 * live in the pool's {@link Arena} for as long as the pool (the loops of uring-nio live as long as
 * the JVM, and so do their pools). A buffer beyond the budget or over 1 MiB is a
 * {@linkplain Bounce#temporary temporary} one in an arena of its own, freed when the op gives it back.
 */
final class BounceBuffers {
    static final int MIN_SHIFT = 12;
    static final int MAX_SHIFT = 20;
    /** Bytes of pooled buffers one size class may hold. */
    static final long CLASS_BUDGET = 2L << 20;

    /** The arena of the pooled buffers; owned by this pool (allocation only, any thread). */
    private final Arena arena = Arena.ofShared();
    private final List<ArrayDeque<MemorySegment>> free = new ArrayList<>();
    private final long[] allocated = new long[MAX_SHIFT - MIN_SHIFT + 1];

    BounceBuffers() {
        for (int i = MIN_SHIFT; i <= MAX_SHIFT; i++) {
            free.add(new ArrayDeque<>());
        }
    }

    /** A native buffer of at least {@code size} bytes; give it back with {@link #release}. Loop thread only. */
    Bounce take(int size) {
        int shift = Math.max(MIN_SHIFT, 32 - Integer.numberOfLeadingZeros(Math.max(1, size) - 1));
        if (shift > MAX_SHIFT) {
            return Bounce.temporary(size);
        }
        int c = shift - MIN_SHIFT;
        MemorySegment s = free.get(c).pollFirst();
        if (s != null) {
            return new Bounce(s, null, c);
        }
        long bytes = 1L << shift;
        if (allocated[c] + bytes > CLASS_BUDGET) {
            return Bounce.temporary(size);
        }
        allocated[c] += bytes;
        return new Bounce(arena.allocate(bytes, 4096), null, c);
    }

    /** Gives {@code b} back (a pooled buffer to its class, a temporary one to the allocator). Loop thread only. */
    void release(Bounce b) {
        Arena own = b.arena();
        if (own != null) {
            own.close();
        } else {
            free.get(b.sizeClass()).addFirst(b.segment());
        }
    }

    /** The pooled bytes allocated so far, for tests. */
    long pooledBytes() {
        long sum = 0;
        for (long a : allocated) {
            sum += a;
        }
        return sum;
    }

    /**
     * One bounce buffer: pooled ({@code arena} null) or temporary (its own arena, confined to the loop
     * thread that took it and closed when it is given back).
     */
    record Bounce(MemorySegment segment, @Nullable Arena arena, int sizeClass) {
        static Bounce temporary(int size) {
            Arena a = Arena.ofConfined();
            return new Bounce(a.allocate(Math.max(1, size), 4096), a, -1);
        }
    }
}
