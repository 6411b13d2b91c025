package dev.uring.core;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import dev.uring.core.ffi.IoUringRecvmsgOut;
import dev.uring.core.ffi.SocketConstants;
import java.lang.foreign.MemorySegment;

/**
 * Reads the provided buffer that a multishot RECVMSG filled ({@code struct io_uring_recvmsg_out},
 * then the sender's address, the control data and the payload). {@code buffer} is the buffer
 * sliced to the CQE's res; {@code template} the {@link MsgHdr#multishotTemplate} the op was armed
 * with, whose lengths fix where each part starts. Static and allocation-free except the slices.
 */
public final class RecvmsgOut {
    /** The size of the header at the start of each buffer. */
    public static final int HEADER_SIZE = (int) IoUringRecvmsgOut.SIZE;

    private RecvmsgOut() {
    }

    /** The sender address's real length (it was cut when longer than the template's name room). */
    public static int nameLength(MemorySegment buffer) {
        return buffer.get(JAVA_INT, IoUringRecvmsgOut.NAMELEN);
    }

    /**
     * The datagram's real length when the op was armed with {@link SocketFlags#MSG_TRUNC} in its
     * msg flags (more than {@link #payload}'s size when it was cut); without that flag, the bytes kept.
     */
    public static int payloadLength(MemorySegment buffer) {
        return buffer.get(JAVA_INT, IoUringRecvmsgOut.PAYLOADLEN);
    }

    /** The received msg_flags (MSG_TRUNC, MSG_CTRUNC, ...). */
    public static int flags(MemorySegment buffer) {
        return buffer.get(JAVA_INT, IoUringRecvmsgOut.FLAGS);
    }

    /** Whether the datagram was longer than the room the buffer had (MSG_TRUNC): the rest is lost. */
    public static boolean isTruncated(MemorySegment buffer) {
        return (flags(buffer) & SocketConstants.MSG_TRUNC) != 0;
    }

    /** The sender's address as the kernel wrote it (at most the template's name room). */
    public static MemorySegment name(MemorySegment buffer, MsgHdr template) {
        return buffer.asSlice(HEADER_SIZE, Math.min(nameLength(buffer), template.nameLength()));
    }

    /** The offset of the payload in each buffer armed with {@code template}. */
    public static long payloadOffset(MsgHdr template) {
        return HEADER_SIZE + (long) template.nameLength() + template.controlLength();
    }

    /** The payload bytes the buffer holds (all of the datagram unless {@link #isTruncated}). */
    public static MemorySegment payload(MemorySegment buffer, MsgHdr template) {
        long off = payloadOffset(template);
        return buffer.asSlice(off, buffer.byteSize() - off);
    }
}
