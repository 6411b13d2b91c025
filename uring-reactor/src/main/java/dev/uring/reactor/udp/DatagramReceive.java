package dev.uring.reactor.udp;

import dev.uring.core.MsgHdr;
import dev.uring.core.RecvmsgOut;
import dev.uring.core.SocketAddresses;
import dev.uring.core.SocketFlags;
import dev.uring.core.Sqe;
import dev.uring.reactor.net.Inbound;
import dev.uring.reactor.net.InboundSource;
import dev.uring.reactor.net.LentBuffer;
import dev.uring.reactor.net.RecvBufferPool;
import dev.uring.reactor.op.FileHandle;
import dev.uring.reactor.op.OpRuntime;
import java.lang.foreign.MemorySegment;
import java.net.SocketAddress;

/**
 * The receiving of a {@link UdpSocket}: multishot RECVMSG (one CQE and one ring buffer per
 * datagram, armed with MSG_TRUNC so that a cut datagram reports its full length), each buffer read
 * as {@code io_uring_recvmsg_out} + sender address + payload into a {@link Datagram}. Always
 * multishot: a datagram socket has no stream to leave data in, and a single-shot RECVMSG would need
 * the sender's address in per-op memory. A sender heard from recently is not decoded again
 * ({@link RecentSenders}). Loop thread only.
 */
final class DatagramReceive implements InboundSource<Datagram> {
    /** Room for the sender's address in each buffer: a sockaddr_in6 (28 bytes), rounded to 8. */
    static final int NAME_ROOM = 32;
    /** Where the payload starts in each buffer. */
    static final int PAYLOAD_OFFSET = RecvmsgOut.HEADER_SIZE + NAME_ROOM;

    private final UdpSocket socket;
    private final MsgHdr template;
    private final RecentSenders senders = new RecentSenders(NAME_ROOM);

    /** {@code template}: a {@link MsgHdr#multishotTemplate} with {@link #NAME_ROOM}, alive while the socket is. */
    DatagramReceive(UdpSocket socket, MsgHdr template) {
        this.socket = socket;
        this.template = template;
    }

    @Override
    public OpRuntime uring() {
        return socket.uring();
    }

    @Override
    public FileHandle handle() {
        return socket.handle();
    }

    @Override
    public void prep(Sqe sqe, int fd, int group, boolean multishot) {
        sqe.prepRecvmsgMultishot(fd, template.segment(), group, SocketFlags.MSG_TRUNC);
    }

    @Override
    public boolean multishotOnly() {
        return true;
    }

    @Override
    public Datagram item(RecvBufferPool pool, int bid, int res, Inbound<Datagram> inbound) {
        LentBuffer b = pool.lend(bid, res, inbound);
        MemorySegment all = b.segment();
        MemorySegment name = RecvmsgOut.name(all, template);
        return new Datagram(b, RecvmsgOut.payload(all, template), name, sender(name),
                RecvmsgOut.payloadLength(all), RecvmsgOut.isTruncated(all));
    }

    private SocketAddress sender(MemorySegment name) {
        int n = (int) name.byteSize();
        if (n < 2) {
            return socket.remoteOrUnknown();
        }
        return n < 8 ? SocketAddresses.decode(name, n) : senders.get(name);
    }

    @Override
    public void release(Datagram item) {
        item.release();
    }

    @Override
    public void touch() {
    }

    @Override
    public Throwable error(int res) {
        return socket.error(res, "RECVMSG");
    }

    @Override
    public String toString() {
        return "UDP socket " + socket;
    }
}
