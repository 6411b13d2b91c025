package dev.uring.reactor.udp;

import dev.uring.reactor.net.LentBuffer;
import java.lang.foreign.MemorySegment;
import java.net.SocketAddress;
import java.nio.ByteBuffer;

/**
 * One datagram that a multishot RECVMSG put into a buffer of the loop's provided buffer ring,
 * lent to the subscriber of {@link UdpSocket#receive()} until {@link #release()}: the buffer then
 * goes back to the kernel, which fills it again. Release every datagram (also on error paths), or
 * the loop's receiving stalls once every buffer is held.
 *
 * <p>{@link #content()} is a read-only view of the kernel-filled memory (no copy) and must not be
 * read after {@link #release()}. A datagram longer than {@link UdpOptions#maxDatagramSize()} is
 * {@link #isTruncated() truncated}: the kernel kept its first bytes and dropped the rest, and
 * {@link #originalLength()} says how long it was.
 */
public final class Datagram {
    private final LentBuffer buffer;
    private final MemorySegment payload;
    private final MemorySegment name;
    private final SocketAddress sender;
    private final int originalLength;
    private final boolean truncated;

    Datagram(LentBuffer buffer, MemorySegment payload, MemorySegment name, SocketAddress sender,
            int originalLength, boolean truncated) {
        this.buffer = buffer;
        this.payload = payload;
        this.name = name;
        this.sender = sender;
        this.originalLength = originalLength;
        this.truncated = truncated;
    }

    /** A read-only view of the received bytes: position 0, limit {@link #length()}; a new view per call. */
    public ByteBuffer content() {
        return payload.asByteBuffer().asReadOnlyBuffer();
    }

    /** The bytes received (the whole datagram unless {@link #isTruncated()}). */
    public int length() {
        return (int) payload.byteSize();
    }

    /** The datagram's length as sent: more than {@link #length()} when it was truncated. */
    public int originalLength() {
        return originalLength;
    }

    /** Whether the datagram was longer than the receive buffer's room (MSG_TRUNC): its tail is lost. */
    public boolean isTruncated() {
        return truncated;
    }

    /** The address the datagram came from. */
    public SocketAddress sender() {
        return sender;
    }

    /**
     * Hands the buffer back to the loop's buffer ring, from any thread; true the first time,
     * false when it was already released.
     */
    public boolean release() {
        return buffer.release();
    }

    /** Whether {@link #release()} has been called. */
    public boolean isReleased() {
        return buffer.isReleased();
    }

    /** The payload in ring memory (sent in place by {@link UdpSocket#sendReceived}). */
    MemorySegment payload() {
        return payload;
    }

    /** The sender's sockaddr in ring memory, as the kernel wrote it. */
    MemorySegment name() {
        return name;
    }

    @Override
    public String toString() {
        return "Datagram[" + length() + " bytes from " + sender + (truncated ? ", truncated from " + originalLength : "")
                + (isReleased() ? ", released" : "") + "]";
    }
}
