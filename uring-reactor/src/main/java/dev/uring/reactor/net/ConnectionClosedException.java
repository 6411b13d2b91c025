package dev.uring.reactor.net;

import java.nio.channels.ClosedChannelException;

/** A {@link ClosedChannelException} that names the socket it was about. */
public final class ConnectionClosedException extends ClosedChannelException {
    private static final long serialVersionUID = 1L;
    private final String connection;

    public ConnectionClosedException(String connection) {
        this.connection = connection;
    }

    @Override
    public String getMessage() {
        return "socket is closed: " + connection;
    }
}
