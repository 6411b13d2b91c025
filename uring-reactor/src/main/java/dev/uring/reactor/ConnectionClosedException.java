package dev.uring.reactor;

import java.nio.channels.ClosedChannelException;

/** A {@link ClosedChannelException} that names the socket it was about. */
final class ConnectionClosedException extends ClosedChannelException {
    private static final long serialVersionUID = 1L;
    private final String connection;

    ConnectionClosedException(String connection) {
        this.connection = connection;
    }

    @Override
    public String getMessage() {
        return "socket is closed: " + connection;
    }
}
