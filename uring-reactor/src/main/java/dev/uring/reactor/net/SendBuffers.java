package dev.uring.reactor.net;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.util.ArrayDeque;

/**
 * One loop's native memory for sends, shared by its TCP and UDP sockets: each in-flight send that
 * needs memory of its own (a msghdr and the recipient's sockaddr, a copy of a heap buffer) borrows
 * one {@link Slot} at its first prep and gives it back in its release, after its final CQE (for a
 * zero-copy send, the notification), also when it was cancelled: the kernel never reads a slot that
 * is back here. A slot is a {@link #HEADER}-byte header plus a bounce buffer of a power-of-two size
 * class (none, or {@link #MIN_BOUNCE} to {@link #MAX_BOUNCE} bytes).
 *
 * <p>Owner and lifetime: the first slots of each class, up to {@link #KEEP_BYTES} of it, come from
 * this pool's shared arena, which {@link #close()} frees after the loop ended (with the runtime's
 * socket state); they go back to a free list and are reused. A slot past that (a burst of heap
 * sends) comes from an automatic arena, is not kept, and the GC frees it once its op, the only
 * holder, is gone. Loop thread only, except {@link #close()}.
 */
public final class SendBuffers implements AutoCloseable {
    /** Room for a msghdr, one iovec and any sockaddr (msghdr 56 + iovec 16 + sockaddr_storage 128). */
    public static final int HEADER = 256;
    public static final int MIN_BOUNCE = 2048;
    /** The largest bounce buffer: a longer heap buffer goes out in chunks of this (a stream's send). */
    public static final int MAX_BOUNCE = 256 * 1024;
    /** The most memory one class keeps for reuse. */
    static final long KEEP_BYTES = 512 * 1024;
    // class 0: header only; class k >= 1: a bounce of MIN_BOUNCE << (k - 1)
    private static final int CLASSES = 1 + Integer.numberOfTrailingZeros(MAX_BOUNCE / MIN_BOUNCE) + 1;

    private final Arena arena = Arena.ofShared();
    @SuppressWarnings("unchecked")
    private final ArrayDeque<Slot>[] free = new ArrayDeque[CLASSES];
    private final int[] kept = new int[CLASSES];
    private int lent;
    private long made;

    public SendBuffers() {
        for (int i = 0; i < CLASSES; i++) {
            free[i] = new ArrayDeque<>();
        }
    }

    /** A slot whose bounce holds {@code bounce} bytes, or {@link #MAX_BOUNCE} when more (0: header only). */
    public Slot take(long bounce) {
        int cls = classOf(bounce);
        Slot s = free[cls].poll();
        if (s != null) {
            s.relend();
        } else {
            long size = HEADER + bounceSize(cls);
            boolean keep = (long) (kept[cls] + 1) * size <= KEEP_BYTES || kept[cls] == 0;
            MemorySegment mem = (keep ? arena : Arena.ofAuto()).allocate(size, 64);
            s = new Slot(this, cls, keep, mem);
            if (keep) {
                kept[cls]++;
            }
            made++;
        }
        lent++;
        return s;
    }

    private void giveBack(Slot s) {
        lent--;
        if (s.kept) {
            free[s.cls].push(s); // most recently used first: still in cache
        }
    }

    /** Slots lent to ops now (for tests: 0 once every send has had its final CQE). */
    public int lent() {
        return lent;
    }

    /** Slots ever made (for tests: reuse keeps this far below the number of sends). */
    public long made() {
        return made;
    }

    private static int classOf(long bounce) {
        if (bounce <= 0) {
            return 0;
        }
        long b = Math.min(Math.max(bounce, MIN_BOUNCE), MAX_BOUNCE);
        int k = 64 - Long.numberOfLeadingZeros(b - 1); // ceil(log2 b)
        return k - Integer.numberOfTrailingZeros(MIN_BOUNCE) + 1;
    }

    private static long bounceSize(int cls) {
        return cls == 0 ? 0 : (long) MIN_BOUNCE << (cls - 1);
    }

    /** Frees the kept slots; after the loop ended (no op can hold one). */
    @Override
    public void close() {
        for (ArrayDeque<Slot> f : free) {
            f.clear();
        }
        arena.close();
    }

    /** One send's memory, from {@link SendBuffers#take} until {@link #release()}. */
    public static final class Slot {
        private final SendBuffers pool;
        private final int cls;
        private final boolean kept;
        private final MemorySegment header;
        private final MemorySegment bounce;
        private boolean lent = true;

        private Slot(SendBuffers pool, int cls, boolean kept, MemorySegment mem) {
            this.pool = pool;
            this.cls = cls;
            this.kept = kept;
            this.header = mem.asSlice(0, HEADER);
            this.bounce = mem.asSlice(HEADER);
        }

        /** An allocator over the header, from its start: a prep's msghdr and sockaddr (a new one each prep). */
        public SegmentAllocator header() {
            return SegmentAllocator.slicingAllocator(header);
        }

        /** The bounce buffer (empty for a header-only slot). */
        public MemorySegment bounce() {
            return bounce;
        }

        /** Gives the slot back to its pool; once. */
        public void release() {
            if (!lent) {
                throw new IllegalStateException("send slot released twice");
            }
            lent = false;
            pool.giveBack(this);
        }

        void relend() {
            lent = true;
        }
    }
}
