package dev.uring.reactor.net;

import dev.uring.core.Errors;
import dev.uring.core.Opcode;
import dev.uring.core.SocketAddresses;
import dev.uring.core.Sqe;
import dev.uring.reactor.op.ArenaOp;
import dev.uring.reactor.op.Errnos;
import dev.uring.reactor.op.FileHandle;
import java.net.BindException;
import java.net.SocketAddress;
import org.jspecify.annotations.Nullable;

/** The socket ops that carry at most an address: BIND, LISTEN, CONNECT and SHUTDOWN. */
public final class SocketCallOp extends ArenaOp<Void> {
    public enum Kind { BIND, LISTEN, CONNECT, SHUTDOWN }

    private final Kind kind;
    private final @Nullable SocketAddress address;
    private final int arg;

    /** {@code address} for BIND and CONNECT; {@code arg}: LISTEN's backlog, SHUTDOWN's how. */
    public SocketCallOp(FileHandle socket, Kind kind, @Nullable SocketAddress address, int arg) {
        super(socket);
        this.kind = kind;
        this.address = address;
        this.arg = arg;
    }

    @Override
    public void prep(Sqe sqe) {
        switch (kind) {
            case BIND -> sqe.prepBind(fd(), SocketAddresses.allocate(arena(), addr()));
            case LISTEN -> sqe.prepListen(fd(), arg);
            case CONNECT -> sqe.prepConnect(fd(), SocketAddresses.allocate(arena(), addr()));
            case SHUTDOWN -> sqe.prepShutdown(fd(), arg);
        }
    }

    private SocketAddress addr() {
        SocketAddress a = address;
        if (a == null) {
            throw new IllegalStateException(kind + " needs an address");
        }
        return a;
    }

    @Override
    public @Nullable Void result(int res) {
        return null;
    }

    @Override
    public Throwable error(int res) {
        if (kind == Kind.BIND && -res == Errnos.EADDRINUSE) {
            BindException e = new BindException("Address already in use: " + address);
            e.initCause(Errors.toException(res, name(), target()));
            return e;
        }
        return Errors.toException(res, name(), target());
    }

    @Override
    public Opcode opcode() {
        return switch (kind) {
            case BIND -> Opcode.BIND;
            case LISTEN -> Opcode.LISTEN;
            case CONNECT -> Opcode.CONNECT;
            case SHUTDOWN -> Opcode.SHUTDOWN;
        };
    }

    @Override
    public String name() {
        return kind.name();
    }
}
