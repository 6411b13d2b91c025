package dev.uring.core;

import dev.uring.core.ffi.SocketConstants;

/**
 * The socket type bits of {@link Sqe#prepSocket} ({@code SOCK_*}), the {@code MSG_*} flags of
 * SEND and RECV, and the {@code SHUT_*} values of {@link Sqe#prepShutdown}.
 */
public final class SocketFlags {
    /** SOCK_STREAM: a connected byte stream (TCP, or a stream Unix socket). */
    public static final int SOCK_STREAM = SocketConstants.SOCK_STREAM;
    /** SOCK_DGRAM: datagrams (UDP, or a datagram Unix socket). */
    public static final int SOCK_DGRAM = SocketConstants.SOCK_DGRAM;
    /** SOCK_NONBLOCK, or-ed into the type. */
    public static final int SOCK_NONBLOCK = SocketConstants.SOCK_NONBLOCK;
    /** SOCK_CLOEXEC, or-ed into the type (or the flags of ACCEPT): the fd is closed on exec. */
    public static final int SOCK_CLOEXEC = SocketConstants.SOCK_CLOEXEC;
    /** MSG_NOSIGNAL: a send to a closed peer fails with EPIPE instead of raising SIGPIPE. */
    public static final int MSG_NOSIGNAL = SocketConstants.MSG_NOSIGNAL;
    /** MSG_TRUNC: in received flags, the datagram was longer than the buffer; as a RECV flag, res is the real length. */
    public static final int MSG_TRUNC = SocketConstants.MSG_TRUNC;
    /** MSG_CTRUNC: in received flags, control data was cut. */
    public static final int MSG_CTRUNC = SocketConstants.MSG_CTRUNC;
    /** MSG_DONTWAIT: do not wait (io_uring then completes with -EAGAIN instead of polling). */
    public static final int MSG_DONTWAIT = SocketConstants.MSG_DONTWAIT;
    /** IPPROTO_UDP, the protocol of a UDP socket. */
    public static final int IPPROTO_UDP = SocketConstants.IPPROTO_UDP;
    /** SHUT_RD: no more receiving. */
    public static final int SHUT_RD = 0;
    /** SHUT_WR: no more sending; the peer reads the end of the stream. */
    public static final int SHUT_WR = 1;
    /** SHUT_RDWR: both. */
    public static final int SHUT_RDWR = 2;

    private SocketFlags() {
    }
}
