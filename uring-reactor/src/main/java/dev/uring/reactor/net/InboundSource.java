package dev.uring.reactor.net;

import dev.uring.core.Sqe;
import dev.uring.reactor.op.FileHandle;
import dev.uring.reactor.op.OpRuntime;
import org.jspecify.annotations.Nullable;

/**
 * What an {@link Inbound} needs of its socket: the fd reference each armed receive holds, the
 * receive op to arm, the item a CQE's buffer becomes, and the error a failed receive means. Loop
 * thread only. {@code StreamReceive} serves a {@code Connection}, {@code DatagramReceive} a {@code UdpSocket}.
 *
 * @param <T> the items of the inbound Flux
 */
public interface InboundSource<T> {
    /** The runtime the socket belongs to (asked whether the subscriber's policy admits its loop). */
    OpRuntime uring();

    /** The socket's handle: an armed receive holds a reference to it until its final CQE. */
    FileHandle handle();

    /** Fills the claimed SQE with a receive into provided group {@code group}; multishot when {@code multishot}. */
    void prep(Sqe sqe, int fd, int group, boolean multishot);

    /** Whether every receive is multishot (datagrams: there is no single-shot layout to read). */
    boolean multishotOnly();

    /** The item for a CQE with {@code res > 0} bytes in buffer {@code bid}, lent from {@code pool}. */
    T item(RecvBufferPool pool, int bid, int res, Inbound<T> inbound);

    /** Gives an undelivered item's buffer back. */
    void release(T item);

    /** Something was received (the idle clock restarts). */
    void touch();

    /** The exception for a receive that failed with {@code res}. */
    Throwable error(int res);

    /** The failure the socket already holds with nothing armed (for a new subscriber), or null. */
    default @Nullable Throwable pendingFailure() {
        return null;
    }
}
