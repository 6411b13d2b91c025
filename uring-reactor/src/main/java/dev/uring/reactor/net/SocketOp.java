package dev.uring.reactor.net;

import dev.uring.core.Opcode;
import dev.uring.core.SocketFlags;
import dev.uring.core.Sqe;
import dev.uring.core.loop.EventLoop;
import dev.uring.reactor.op.UringOperation;

/** IORING_OP_SOCKET of a stream or datagram socket; a cancelled one that still produced an fd closes it. */
public final class SocketOp implements UringOperation<Integer> {
    private final int family;
    private final int type;
    private final String target;

    /** A socket of {@code type} ({@link SocketFlags#SOCK_STREAM} or {@link SocketFlags#SOCK_DGRAM}). */
    public SocketOp(int family, int type, String target) {
        this.family = family;
        this.type = type;
        this.target = target;
    }

    @Override
    public void prep(Sqe sqe) {
        sqe.prepSocket(family, type | SocketFlags.SOCK_CLOEXEC, 0, 0);
    }

    @Override
    public Integer result(int res) {
        return res;
    }

    @Override
    public void discard(int res, EventLoop loop) {
        loop.nextSqe().prepClose(res).userData(EventLoop.NO_COMPLETION);
    }

    @Override
    public Opcode opcode() {
        return Opcode.SOCKET;
    }

    @Override
    public String target() {
        return target;
    }

    @Override
    public void release() {
    }
}
