package dev.uring.reactor.net;

import dev.uring.reactor.op.FileHandle;
import java.net.SocketAddress;
import org.jspecify.annotations.Nullable;

/** What a {@link SendOp} needs of its socket (a {@code Connection}, a {@code UdpSocket}). */
public final class SendingSocket {
    /** The exception for a send named {@code op} that failed with {@code res} (closed, reset, unreachable...). */
    @FunctionalInterface
    public interface Errors {
        Throwable error(int res, String op);
    }

    private final Object owner;
    private final FileHandle handle;
    private final SendBuffers buffers;
    private final int zeroCopyThreshold;
    private final @Nullable SocketAddress peer;
    private final Runnable touch;
    private final Errors errors;

    /**
     * The sending side of {@code owner} (named by its toString in messages) over {@code handle};
     * sends of {@code zeroCopyThreshold} bytes or more go zero-copy (0: never); {@code peer} is the
     * connected peer (null: none); {@code touch} runs on the loop after each send (an idle clock).
     */
    public SendingSocket(Object owner, FileHandle handle, SendBuffers buffers, int zeroCopyThreshold,
            @Nullable SocketAddress peer, Runnable touch, Errors errors) {
        this.owner = owner;
        this.handle = handle;
        this.buffers = buffers;
        this.zeroCopyThreshold = zeroCopyThreshold;
        this.peer = peer;
        this.touch = touch;
        this.errors = errors;
    }

    /** The socket's handle: a send holds a reference to it until its final CQE. */
    FileHandle handle() {
        return handle;
    }

    /** The send memory of the socket's loop. */
    public SendBuffers sendBuffers() {
        return buffers;
    }

    int zeroCopyThreshold() {
        return zeroCopyThreshold;
    }

    /** Whether {@code to} is the connected peer (a send there needs no address). */
    boolean isConnectedTo(SocketAddress to) {
        return to.equals(peer);
    }

    void touch() {
        touch.run();
    }

    Throwable error(int res, String op) {
        return errors.error(res, op);
    }

    @Override
    public String toString() {
        return owner.toString();
    }
}
