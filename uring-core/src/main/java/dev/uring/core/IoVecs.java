package dev.uring.core;

import dev.uring.core.ffi.IoVecLayout;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;

/** An array of {@code struct iovec} over native buffers, for READV and WRITEV. */
public final class IoVecs {
    private final MemorySegment array;
    private final int count;
    private final boolean anyReadOnly;
    private final long totalBytes;

    private IoVecs(MemorySegment array, int count, boolean anyReadOnly, long totalBytes) {
        this.array = array;
        this.count = count;
        this.anyReadOnly = anyReadOnly;
        this.totalBytes = totalBytes;
    }

    /**
     * Builds an iovec array in {@code arena} over {@code buffers}, which must be native and
     * outlive the op, as must the arena.
     */
    public static IoVecs of(Arena arena, List<MemorySegment> buffers) {
        if (buffers.isEmpty() || buffers.size() > 1024) {
            throw new IllegalArgumentException("an iovec array holds 1..1024 buffers (IOV_MAX), got " + buffers.size());
        }
        MemorySegment array = arena.allocate(IoVecLayout.SIZE * buffers.size(), 8);
        boolean ro = false;
        long total = 0;
        for (int i = 0; i < buffers.size(); i++) {
            MemorySegment b = buffers.get(i);
            if (!b.isNative()) {
                throw new IllegalArgumentException("iovec " + i + " is not native memory");
            }
            ro |= b.isReadOnly();
            total += b.byteSize();
            IoVecLayout.set(array, i, b.address(), b.byteSize());
        }
        return new IoVecs(array, buffers.size(), ro, total);
    }

    long address() {
        return array.address();
    }

    /** The number of buffers. */
    public int count() {
        return count;
    }

    /** The sum of the buffers' sizes. */
    public long totalBytes() {
        return totalBytes;
    }

    void checkWritable(Opcode op) {
        if (anyReadOnly) {
            throw new IllegalArgumentException(op + ": a buffer is read-only but the kernel writes into it");
        }
    }
}
