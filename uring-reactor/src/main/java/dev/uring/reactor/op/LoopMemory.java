package dev.uring.reactor.op;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.jspecify.annotations.Nullable;

/**
 * The native memory one loop's ops lend to the kernel (timespecs, paths, bounce buffers): blocks of
 * power-of-two sizes from 16 B to 64 KiB, reused op after op, so that
 * no op opens an {@link Arena} of its own. Every block is allocated in this pool's one shared
 * {@link Arena}, its owner, which the loop thread closes when it ends ({@link #close}); an op borrows
 * blocks through a pooled {@link OpArena} and gives them back at its release, after its final CQE
 * (also after a cancel), so today's lifetime rule holds. A size class keeps at most
 * 512 KiB; past that, or for a bigger or more aligned request, the op gets a confined
 * Arena of its own as before. Loop thread only, but {@link #close}.
 */
public final class LoopMemory {
    /** A thread that carries its loop's memory: the loop threads of a runtime. */
    public interface Carrier {
        /** This loop's memory, made on first use; loop thread only. */
        LoopMemory loopMemory();
    }

    static final int MIN_SHIFT = 4;
    static final int MAX_SHIFT = 16;
    static final int MIN_BLOCK = 1 << MIN_SHIFT;
    static final int MAX_BLOCK = 1 << MAX_SHIFT;
    /** The most bytes a size class keeps, lent or free: a bound on what a loop holds. */
    static final int CLASS_BYTES = 512 * 1024;
    /** Blocks under this size are zeroed when lent again, as a fresh Arena's memory would be. */
    private static final int ZEROED_BELOW = 4096;
    static final int ALIGNMENT = 64;
    private static final int CLASSES = MAX_SHIFT - MIN_SHIFT + 1;

    private final Arena owner = Arena.ofShared();
    private final MemorySegment[][] free = new MemorySegment[CLASSES][];
    private final int[] freeCount = new int[CLASSES];
    private final int[] made = new int[CLASSES];
    private OpArena[] arenas = new OpArena[16];
    private int arenaCount;
    private int lent;
    private boolean closed;

    /** The memory of the loop whose thread this is, or null on any other thread. */
    public static @Nullable LoopMemory current() {
        return Thread.currentThread() instanceof Carrier c ? c.loopMemory() : null;
    }

    /**
     * An arena for one op's kernel memory, closed by the op's release: a pooled one on a loop
     * thread, else (a loop that carries no pool) a confined {@link Arena} as before.
     */
    public static Arena lease() {
        LoopMemory m = current();
        return m == null ? Arena.ofConfined() : m.arena();
    }

    /**
     * As {@link #lease()}, for memory that other threads read too (a stream's chunks go to its
     * subscriber): what the pool cannot serve comes from a shared Arena, and off a loop thread the
     * whole lease is a shared Arena. Closed on the thread that leased it.
     */
    public static Arena leaseShared() {
        LoopMemory m = current();
        return m == null ? Arena.ofShared() : m.arena(true);
    }

    /** A pooled arena of this loop; closing it gives its blocks and itself back. */
    OpArena arena() {
        return arena(false);
    }

    private OpArena arena(boolean sharedOverflow) {
        OpArena a;
        if (arenaCount > 0) {
            a = arenas[--arenaCount];
            arenas[arenaCount] = null;
        } else {
            a = new OpArena(this);
        }
        a.open(sharedOverflow);
        return a;
    }

    void recycle(OpArena a) {
        if (arenaCount == arenas.length) {
            arenas = java.util.Arrays.copyOf(arenas, arenaCount * 2);
        }
        arenas[arenaCount++] = a;
    }

    private static int sizeClass(long size) {
        int shift = 64 - Long.numberOfLeadingZeros(Math.max(size, MIN_BLOCK) - 1);
        return shift - MIN_SHIFT;
    }

    /**
     * A block of at least {@code size} bytes (its size the class's power of two), or null when the
     * request is beyond the pool (too big, too aligned, its class full, the pool closed).
     */
    @Nullable MemorySegment take(long size, long alignment) {
        if (size > MAX_BLOCK || alignment > ALIGNMENT || closed) {
            return null;
        }
        int c = sizeClass(size);
        MemorySegment b;
        if (freeCount[c] > 0) {
            MemorySegment[] f = free[c];
            b = f[--freeCount[c]];
            f[freeCount[c]] = null;
            if (b.byteSize() < ZEROED_BELOW) {
                b.fill((byte) 0);
            }
        } else {
            long blockSize = 1L << (c + MIN_SHIFT);
            if ((made[c] + 1) * blockSize > CLASS_BYTES && made[c] > 0) {
                return null;
            }
            b = owner.allocate(blockSize, ALIGNMENT);
            made[c]++;
        }
        lent++;
        return b;
    }

    /** Gives back a block of {@link #take}. */
    void give(MemorySegment block) {
        lent--;
        int c = sizeClass(block.byteSize());
        MemorySegment[] f = free[c];
        if (f == null) {
            f = new MemorySegment[8];
            free[c] = f;
        } else if (freeCount[c] == f.length) {
            f = java.util.Arrays.copyOf(f, f.length * 2);
            free[c] = f;
        }
        f[freeCount[c]++] = block;
    }

    MemorySegment.Scope scope() {
        return owner.scope();
    }

    /** Blocks lent to ops now (for tests). */
    public int lent() {
        return lent;
    }

    /**
     * Frees every block, when the loop has ended: unless an op still holds one, which the kernel may
     * still touch (an op the loop's close could not see through): then nothing is freed.
     */
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (lent == 0) {
            owner.close();
        }
    }
}
