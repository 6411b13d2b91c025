package dev.uring.core;

import dev.uring.core.ffi.IoVecLayout;
import dev.uring.core.ffi.MsghdrLayout;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.util.List;

/**
 * A {@code struct msghdr} in native memory, for {@link Sqe#prepSendmsg}, {@link Sqe#prepRecvmsg}
 * and {@link Sqe#prepRecvmsgMultishot}. It lives in the caller's memory (an {@link Arena}, or a
 * pool's slice), which must outlive the op (the kernel reads the header, the address and the iovecs
 * until the final CQE; a multishot RECVMSG reads the header at every re-arm). Whoever owns that
 * memory frees it.
 */
public final class MsgHdr {
    /** The size of a {@code struct msghdr}. */
    public static final long SIZE = MsghdrLayout.SIZE;

    private final MemorySegment segment;

    private MsgHdr(MemorySegment segment) {
        this.segment = segment;
    }

    /**
     * A header for SENDMSG or a single-shot RECVMSG over {@code buffers} (1..1024 native segments),
     * with the address {@code name} (a sockaddr from {@link SocketAddresses#allocate}, or, for a
     * receive, a {@link SocketAddresses#STORAGE_SIZE} buffer the kernel fills; {@link MemorySegment#NULL}
     * for none: a connected socket).
     */
    public static MsgHdr of(SegmentAllocator arena, MemorySegment name, List<MemorySegment> buffers) {
        if (buffers.isEmpty() || buffers.size() > 1024) {
            throw new IllegalArgumentException("a msghdr carries 1..1024 buffers (IOV_MAX), got " + buffers.size());
        }
        // one allocation for the header and its iovecs (a datagram send makes one per datagram)
        MemorySegment mem = arena.allocate(SIZE + IoVecLayout.SIZE * buffers.size(), 8);
        MemorySegment msg = mem.asSlice(0, SIZE);
        MemorySegment iov = mem.asSlice(SIZE);
        for (int i = 0; i < buffers.size(); i++) {
            MemorySegment b = buffers.get(i);
            if (!b.isNative()) {
                throw new IllegalArgumentException("buffer " + i + " is not native memory");
            }
            IoVecLayout.set(iov, i, b.address(), b.byteSize());
        }
        MsghdrLayout.set(msg, addressOf(name), nameLength(name), iov.address(), buffers.size(), 0, 0);
        return new MsgHdr(msg);
    }

    /** {@link #of(SegmentAllocator, MemorySegment, List)} with one buffer. */
    public static MsgHdr of(SegmentAllocator arena, MemorySegment name, MemorySegment buffer) {
        return of(arena, name, List.of(buffer));
    }

    /**
     * The template of a multishot RECVMSG: no iovecs and no memory of its own for the name, only
     * the room each received buffer keeps for the sender's address ({@code nameLength}, e.g.
     * {@link SocketAddresses#STORAGE_SIZE} or 28 for any IPv4/IPv6 address) and for control data
     * ({@code controlLength}, 0 for none). {@link RecvmsgOut} reads the buffers with the same lengths.
     */
    public static MsgHdr multishotTemplate(Arena arena, int nameLength, int controlLength) {
        if (nameLength < 0 || controlLength < 0) {
            throw new IllegalArgumentException("name and control lengths must not be negative, got " + nameLength
                    + ", " + controlLength);
        }
        MemorySegment msg = arena.allocate(SIZE, 8);
        MsghdrLayout.set(msg, 0L, nameLength, 0L, 0L, 0L, controlLength);
        return new MsgHdr(msg);
    }

    private static long addressOf(MemorySegment name) {
        if (name.equals(MemorySegment.NULL)) {
            return 0L;
        }
        if (!name.isNative()) {
            throw new IllegalArgumentException("the address must be native memory");
        }
        return name.address();
    }

    private static int nameLength(MemorySegment name) {
        return name.equals(MemorySegment.NULL) ? 0 : (int) Math.min(name.byteSize(), SocketAddresses.STORAGE_SIZE);
    }

    /** The header's memory, for the prep methods. */
    public MemorySegment segment() {
        return segment;
    }

    /** msg_namelen: the room for the address, or, after a single-shot RECVMSG, the address's length. */
    public int nameLength() {
        return MsghdrLayout.nameLength(segment);
    }

    /** msg_controllen. */
    public int controlLength() {
        return (int) MsghdrLayout.controlLength(segment);
    }

    /** msg_flags, which a single-shot RECVMSG sets (MSG_TRUNC: the datagram did not fit). */
    public int flags() {
        return MsghdrLayout.flags(segment);
    }
}
