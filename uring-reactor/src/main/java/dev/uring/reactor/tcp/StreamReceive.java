package dev.uring.reactor.tcp;

import dev.uring.core.SocketOption;
import dev.uring.core.Sqe;
import dev.uring.reactor.net.Inbound;
import dev.uring.reactor.net.InboundSource;
import dev.uring.reactor.net.RecvBufferPool;
import dev.uring.reactor.op.FileHandle;
import dev.uring.reactor.op.OpRuntime;
import java.io.IOException;
import org.jspecify.annotations.Nullable;

/** The receiving of a {@link Connection}: RECV (single-shot or multishot) into ReceivedBuffers. */
final class StreamReceive implements InboundSource<ReceivedBuffer> {
    private final Connection conn;

    StreamReceive(Connection conn) {
        this.conn = conn;
    }

    @Override
    public OpRuntime uring() {
        return conn.uring();
    }

    @Override
    public FileHandle handle() {
        return conn.handle();
    }

    @Override
    public void prep(Sqe sqe, int fd, int group, boolean multishot) {
        if (multishot) {
            sqe.prepRecvMultishot(fd, group, 0);
        } else {
            sqe.prepRecvSelect(fd, group, 0);
        }
    }

    @Override
    public boolean multishotOnly() {
        return false;
    }

    @Override
    public ReceivedBuffer item(RecvBufferPool pool, int bid, int res, Inbound<ReceivedBuffer> inbound) {
        return new ReceivedBuffer(pool.lend(bid, res, inbound));
    }

    @Override
    public void release(ReceivedBuffer item) {
        item.release();
    }

    @Override
    public void touch() {
        conn.touch();
    }

    @Override
    public Throwable error(int res) {
        return conn.error(res, "RECV");
    }

    /**
     * The socket's pending error (SO_ERROR, which a reset sets though no receive is armed); reading
     * clears it, so it becomes the inbound's error for every later subscriber too.
     */
    @Override
    public @Nullable Throwable pendingFailure() {
        FileHandle h = handle();
        if (!h.isOpen()) {
            return null;
        }
        try {
            int errno = SocketOption.SO_ERROR.get(h.fd());
            return errno == 0 ? null : error(-errno);
        } catch (IOException e) {
            return null;
        }
    }

    @Override
    public String toString() {
        return "connection " + conn;
    }
}
