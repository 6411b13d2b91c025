package dev.uring.reactor;

import dev.uring.core.SocketFlags;
import dev.uring.core.Sqe;
import dev.uring.core.loop.EventLoop;

/** IORING_OP_SOCKET of a stream socket; a cancelled one that still produced an fd closes it. */
final class SocketOp implements UringOperation<Integer> {
    private final int family;
    private final String target;

    SocketOp(int family, String target) {
        this.family = family;
        this.target = target;
    }

    @Override
    public void prep(Sqe sqe) {
        sqe.prepSocket(family, SocketFlags.SOCK_STREAM | SocketFlags.SOCK_CLOEXEC, 0, 0);
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
    public String name() {
        return "SOCKET";
    }

    @Override
    public String target() {
        return target;
    }

    @Override
    public void release() {
    }
}
