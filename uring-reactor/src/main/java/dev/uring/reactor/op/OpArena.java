package dev.uring.reactor.op;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * One op's kernel memory, borrowed from its loop's {@link LoopMemory}: {@link #allocate} lends
 * blocks of the pool, {@link #close} (the op's release, after its final CQE) gives them back and
 * the arena itself to the pool for the next op. A request the pool cannot serve goes to a
 * confined Arena opened for this op (a shared one for {@link LoopMemory#leaseShared()}). Loop thread only; the segments are bounds-checked as any.
 */
final class OpArena implements Arena {
    private final LoopMemory memory;
    private MemorySegment[] blocks = new MemorySegment[4];
    private int count;
    private @Nullable Arena overflow;
    private boolean open;
    // overflow in a shared Arena: the memory is read by other threads than the loop's
    private boolean sharedOverflow;

    OpArena(LoopMemory memory) {
        this.memory = memory;
    }

    void open(boolean shared) {
        open = true;
        sharedOverflow = shared;
    }

    @Override
    public MemorySegment allocate(long byteSize, long byteAlignment) {
        if (!open) {
            throw new IllegalStateException("the op's memory was released");
        }
        MemorySegment b = memory.take(byteSize, byteAlignment);
        if (b == null) {
            Arena o = overflow;
            if (o == null) {
                o = sharedOverflow ? Arena.ofShared() : Arena.ofConfined();
                overflow = o;
            }
            return o.allocate(byteSize, byteAlignment);
        }
        if (count == blocks.length) {
            blocks = Arrays.copyOf(blocks, count * 2);
        }
        blocks[count++] = b;
        // the exact size asked for, so that the kernel and the bounds checks see no more
        return b.byteSize() == byteSize ? b : b.asSlice(0, byteSize);
    }

    /** The pool's scope (a request served beyond the pool has its own confined one). */
    @Override
    public MemorySegment.Scope scope() {
        return memory.scope();
    }

    @Override
    public void close() {
        if (!open) {
            throw new IllegalStateException("already closed");
        }
        open = false;
        for (int i = 0; i < count; i++) {
            memory.give(blocks[i]);
            blocks[i] = null;
        }
        count = 0;
        Arena o = overflow;
        if (o != null) {
            overflow = null;
            o.close();
        }
        memory.recycle(this);
    }
}
