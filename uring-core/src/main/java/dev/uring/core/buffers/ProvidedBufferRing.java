package dev.uring.core.buffers;

import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import dev.uring.core.CqeFlags;
import dev.uring.core.Ring;
import dev.uring.core.ffi.IoUringBufRingLayout;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;

/**
 * A provided buffer ring (IORING_REGISTER_PBUF_RING): {@code entries} buffers of
 * {@code bufferSize} bytes that the kernel picks from for ops with BUFFER_SELECT (multishot RECV).
 * A CQE names the buffer it filled ({@link CqeFlags#bufferId(int)}); the buffer belongs to the
 * application until {@link #recycle(int)} hands it back.
 *
 * <p>Owns its memory in an {@link Arena} closed by {@link #close()}, which unregisters the group
 * first. Used from the ring's thread only.
 */
public final class ProvidedBufferRing implements AutoCloseable {
    private static final VarHandle SHORT = JAVA_SHORT.varHandle();

    private final Ring ring;
    private final Arena arena;
    private final MemorySegment ringMemory;
    private final MemorySegment buffers;
    private final int entries;
    private final int mask;
    private final int bufferSize;
    private final int group;
    private final boolean[] owned;
    private int tail;
    private boolean closed;

    private ProvidedBufferRing(Ring ring, Arena arena, MemorySegment ringMemory, MemorySegment buffers, int entries,
            int bufferSize, int group) {
        this.ring = ring;
        this.arena = arena;
        this.ringMemory = ringMemory;
        this.buffers = buffers;
        this.entries = entries;
        this.mask = entries - 1;
        this.bufferSize = bufferSize;
        this.group = group;
        this.owned = new boolean[entries];
    }

    /**
     * Allocates {@code entries} buffers of {@code bufferSize} bytes, registers them as buffer group
     * {@code group} of {@code ring} and hands them all to the kernel.
     */
    public static ProvidedBufferRing register(Ring ring, int group, int entries, int bufferSize) throws IOException {
        if (bufferSize <= 0) {
            throw new IllegalArgumentException("buffer size must be positive, got " + bufferSize);
        }
        if (entries < 1 || entries > 32768 || Integer.bitCount(entries) != 1) {
            throw new IllegalArgumentException("entries must be a power of two in 1..32768, got " + entries);
        }
        Arena arena = Arena.ofShared();
        try {
            MemorySegment mem = arena.allocate(IoUringBufRingLayout.BUF_SIZE * entries, 4096);
            MemorySegment bufs = arena.allocate((long) bufferSize * entries, 64);
            ring.registerBufferRing(mem, entries, group);
            ProvidedBufferRing pbr = new ProvidedBufferRing(ring, arena, mem, bufs, entries, bufferSize, group);
            for (int bid = 0; bid < entries; bid++) {
                pbr.put(bid);
            }
            pbr.publish();
            return pbr;
        } catch (IOException | RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    /** The buffer group id for {@link dev.uring.core.Sqe#bufferGroup(int)}. */
    public int group() {
        return group;
    }

    /** The size of each buffer. */
    public int bufferSize() {
        return bufferSize;
    }

    /** The number of buffers. */
    public int entries() {
        return entries;
    }

    /**
     * The {@code length} bytes the kernel put in buffer {@code bid}; the application owns the
     * buffer until {@link #recycle(int)}.
     */
    public MemorySegment take(int bid, int length) {
        checkBid(bid);
        if (length < 0 || length > bufferSize) {
            throw new IllegalArgumentException("length " + length + " outside buffer of " + bufferSize + " bytes");
        }
        owned[bid] = true;
        return buffers.asSlice((long) bid * bufferSize, length);
    }

    /** Hands buffer {@code bid} back to the kernel. */
    public void recycle(int bid) {
        checkBid(bid);
        if (!owned[bid]) {
            throw new IllegalStateException("buffer " + bid + " of group " + group + " is already with the kernel");
        }
        owned[bid] = false;
        put(bid);
        publish();
    }

    private void put(int bid) {
        IoUringBufRingLayout.buf(ringMemory, tail & mask, buffers.address() + (long) bid * bufferSize, bufferSize, bid);
        tail++;
    }

    private void publish() {
        SHORT.setRelease(ringMemory, IoUringBufRingLayout.TAIL, (short) tail);
    }

    private void checkBid(int bid) {
        if (closed) {
            throw new IllegalStateException("buffer ring of group " + group + " is closed");
        }
        if (bid < 0 || bid >= entries) {
            throw new IllegalArgumentException("buffer id " + bid + " out of range 0.." + (entries - 1));
        }
    }

    /** Unregisters the group and frees the buffers. Idempotent. */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (!ring.isClosed()) {
                ring.unregisterBufferRing(group);
            }
        } finally {
            arena.close();
        }
    }
}
