package dev.uring.reactor.udp;

import dev.uring.core.Opcode;
import dev.uring.core.MsgHdr;
import dev.uring.core.SocketAddresses;
import dev.uring.core.Sqe;
import dev.uring.reactor.net.ZeroCopyCounts;
import dev.uring.reactor.op.ArenaOp;
import dev.uring.reactor.op.Errnos;
import java.lang.foreign.MemorySegment;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import org.jspecify.annotations.Nullable;

/**
 * One datagram out of a {@link UdpSocket}: SEND on a connected socket without a recipient, else
 * SENDMSG naming it (both zero-copy, _ZC, from the socket's threshold: the op then ends at the
 * notification). Native memory is sent in place, a heap buffer from a copy in the op's arena, where
 * the msghdr and the sockaddr live too until the final CQE. A datagram is never split: it goes out
 * whole or the op fails (EMSGSIZE when it is too long).
 */
final class DatagramSendOp extends ArenaOp<Void> {
    private final UdpSocket socket;
    private final @Nullable ByteBuffer src;
    private final MemorySegment data;
    private final @Nullable SocketAddress recipient;
    /** The recipient's sockaddr already in native memory (a received datagram's sender, for an echo). */
    private final @Nullable MemorySegment recipientName;
    private boolean zeroCopy;
    private boolean zeroCopyRefused;
    private boolean addressed;

    /** Sends {@code src}'s remaining bytes to {@code recipient} (null: the connected peer). */
    DatagramSendOp(UdpSocket socket, ByteBuffer src, @Nullable SocketAddress recipient) {
        super(socket.handle());
        this.socket = socket;
        this.src = src;
        this.data = MemorySegment.ofBuffer(src);
        this.recipient = recipient;
        this.recipientName = null;
    }

    /** Sends {@code received}'s payload back to its sender, from the ring memory it arrived in. */
    DatagramSendOp(UdpSocket socket, Datagram received) {
        super(socket.handle());
        this.socket = socket;
        this.src = null;
        this.data = received.payload();
        this.recipient = received.sender();
        this.recipientName = received.name().byteSize() >= 2 ? received.name() : null;
    }

    @Override
    public void prep(Sqe sqe) {
        MemorySegment bytes = data;
        if (!bytes.isNative()) {
            MemorySegment copy = arena().allocate(Math.max(1, bytes.byteSize()), 64).asSlice(0, bytes.byteSize());
            MemorySegment.copy(bytes, 0, copy, 0, bytes.byteSize());
            bytes = copy;
        }
        int threshold = socket.zeroCopyThreshold();
        zeroCopy = threshold > 0 && !zeroCopyRefused && bytes.byteSize() >= threshold;
        SocketAddress to = recipient;
        addressed = to != null && !(recipientName == null && socket.isConnectedTo(to));
        if (!addressed) {
            if (zeroCopy) {
                ZeroCopyCounts.SENDS.increment();
                sqe.prepSendZc(fd(), bytes, 0, 0);
            } else {
                sqe.prepSend(fd(), bytes, 0);
            }
            return;
        }
        MemorySegment name = recipientName;
        if (name == null) {
            name = SocketAddresses.allocate(arena(), to);
        }
        MsgHdr msg = MsgHdr.of(arena(), name, bytes);
        if (zeroCopy) {
            ZeroCopyCounts.SENDS.increment();
            sqe.prepSendmsgZc(fd(), msg.segment(), 0, 0);
        } else {
            sqe.prepSendmsg(fd(), msg.segment(), 0);
        }
    }

    @Override
    public void notified(int res) {
        ZeroCopyCounts.NOTIFICATIONS.increment();
    }

    @Override
    public boolean again(int res) {
        if (res == -Errnos.EOPNOTSUPP && zeroCopy) {
            zeroCopyRefused = true;
            return true;
        }
        return false;
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
    public String name() {
        return (addressed ? "SENDMSG" : "SEND") + (zeroCopy ? "_ZC" : "");
    }

    @Override
    public @Nullable String target() {
        return recipient == null ? socket.toString() : String.valueOf(recipient);
    }
}
