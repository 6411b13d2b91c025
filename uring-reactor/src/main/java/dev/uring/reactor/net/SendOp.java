package dev.uring.reactor.net;

import dev.uring.core.MsgHdr;
import dev.uring.core.Opcode;
import dev.uring.core.SocketAddresses;
import dev.uring.core.SocketFlags;
import dev.uring.core.Sqe;
import dev.uring.reactor.op.Errnos;
import dev.uring.reactor.op.FileHandle;
import dev.uring.reactor.op.UringOperation;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import org.jspecify.annotations.Nullable;

/**
 * The one send of TCP and UDP: all of one buffer, as SEND, or SENDMSG when it names a recipient
 * (a datagram to other than the connected peer); each _ZC (zero-copy) from the socket's threshold,
 * and the op then ends only at the kernel's notification. A short send (a stream's) is submitted
 * again for the rest; a datagram is never split (the kernel sends it whole or fails, EMSGSIZE).
 *
 * <p>Native memory (a direct buffer, received ring memory) is sent in place. A heap buffer is
 * copied into the bounce buffer of a slot of the loop's {@link SendBuffers} (at most
 * {@link SendBuffers#MAX_BOUNCE} at a time, refilled each round), where the msghdr and the
 * recipient's sockaddr live too. The op holds the slot from its first prep to {@link #release()},
 * which runs after the final CQE, also after a cancel, so the kernel never reads a slot reused by
 * another send.
 */
public final class SendOp implements UringOperation<Void> {
    private final SendingSocket socket;
    private final FileHandle handle;
    private final @Nullable ByteBuffer src;
    private final MemorySegment data;
    private final @Nullable SocketAddress recipient;
    /** The recipient's sockaddr already in native memory (a received datagram's sender, for an echo). */
    private final @Nullable MemorySegment recipientName;
    private SendBuffers.@Nullable Slot slot;
    private long sent;
    /** Whether the SQE last prepared is a _ZC; false for good once the socket refused zero copy. */
    private boolean zeroCopy;
    private boolean zeroCopyRefused;
    private boolean addressed;
    /** Runs after the op let go of everything (the item whose memory it sent); set before the op starts. */
    private @Nullable Runnable afterRelease;

    private SendOp(SendingSocket socket, @Nullable ByteBuffer src, MemorySegment data, @Nullable SocketAddress recipient,
            @Nullable MemorySegment recipientName) {
        this.socket = socket;
        this.handle = socket.handle();
        this.src = src;
        this.data = data;
        this.recipient = recipient;
        this.recipientName = recipientName;
        handle.acquire();
    }

    /**
     * Sends {@code src}'s remaining bytes to {@code recipient} (null: the connected peer), and moves
     * its position to its limit when done.
     */
    public static SendOp of(SendingSocket socket, ByteBuffer src, @Nullable SocketAddress recipient) {
        return new SendOp(socket, src, MemorySegment.ofBuffer(src), recipient, null);
    }

    /**
     * Sends native {@code data} (received ring memory) to {@code recipient} (null: the connected
     * peer), whose sockaddr {@code recipientName} is already in native memory when not null.
     */
    public static SendOp of(SendingSocket socket, MemorySegment data, @Nullable SocketAddress recipient,
            @Nullable MemorySegment recipientName) {
        return new SendOp(socket, null, data, recipient, recipientName);
    }

    /**
     * Runs {@code after} once the op has let go of everything, after its final CQE (also after a
     * cancel) or when it never started: the moment the memory it sent may be reused.
     */
    SendOp afterRelease(Runnable after) {
        afterRelease = after;
        return this;
    }

    @Override
    public void prep(Sqe sqe) {
        long left = data.byteSize() - sent;
        SocketAddress to = recipient;
        addressed = to != null && !(recipientName == null && socket.isConnectedTo(to));
        MemorySegment chunk;
        if (data.isNative()) {
            // the whole of it, most often: no slice to make
            chunk = sent == 0 && left <= Integer.MAX_VALUE ? data
                    : data.asSlice(sent, Math.min(left, Integer.MAX_VALUE));
        } else {
            MemorySegment b = slot(left).bounce();
            long n = Math.min(left, b.byteSize());
            MemorySegment.copy(data, sent, b, 0, n);
            chunk = b.asSlice(0, n);
        }
        int threshold = socket.zeroCopyThreshold();
        zeroCopy = threshold > 0 && !zeroCopyRefused && chunk.byteSize() >= threshold;
        if (zeroCopy) {
            ZeroCopyCounts.SENDS.increment();
        }
        if (!addressed) {
            if (zeroCopy) {
                sqe.prepSendZc(handle.fd(), chunk, SocketFlags.MSG_NOSIGNAL, 0);
            } else {
                sqe.prepSend(handle.fd(), chunk, SocketFlags.MSG_NOSIGNAL);
            }
            return;
        }
        SegmentAllocator header = slot(0).header();
        MemorySegment name = recipientName;
        if (name == null) {
            name = SocketAddresses.allocate(header, to);
        }
        MsgHdr msg = MsgHdr.of(header, name, chunk);
        if (zeroCopy) {
            sqe.prepSendmsgZc(handle.fd(), msg.segment(), SocketFlags.MSG_NOSIGNAL, 0);
        } else {
            sqe.prepSendmsg(handle.fd(), msg.segment(), SocketFlags.MSG_NOSIGNAL);
        }
    }

    /** The op's slot, borrowed at the first prep that needs one with room for {@code bounce} bytes. */
    private SendBuffers.Slot slot(long bounce) {
        SendBuffers.Slot s = slot;
        if (s == null) {
            s = socket.sendBuffers().take(bounce);
            slot = s;
        }
        return s;
    }

    @Override
    public void notified(int res) {
        ZeroCopyCounts.NOTIFICATIONS.increment();
    }

    @Override
    public boolean again(int res) {
        if (res == -Errnos.EOPNOTSUPP && zeroCopy) {
            zeroCopyRefused = true; // a Unix socket: the same bytes again, without zero copy
            return true;
        }
        if (res < 0) {
            return false;
        }
        sent += res;
        socket.touch();
        return sent < data.byteSize();
    }

    @Override
    public @Nullable Void result(int res) {
        ByteBuffer s = src;
        if (s != null) {
            s.position(s.limit());
        }
        return null;
    }

    @Override
    public Throwable error(int res) {
        return socket.error(res, name());
    }

    @Override
    public Opcode opcode() {
        return addressed ? (zeroCopy ? Opcode.SENDMSG_ZC : Opcode.SENDMSG) : (zeroCopy ? Opcode.SEND_ZC : Opcode.SEND);
    }

    @Override
    public @Nullable String target() {
        return recipient == null ? socket.toString() : String.valueOf(recipient);
    }

    /** Gives the slot back and lets go of the socket; after the final CQE (or when never submitted). */
    @Override
    public void release() {
        SendBuffers.Slot s = slot;
        if (s != null) {
            slot = null;
            s.release();
        }
        handle.release();
        Runnable after = afterRelease;
        if (after != null) {
            afterRelease = null;
            after.run();
        }
    }
}
