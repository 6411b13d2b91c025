package dev.uring.reactor.file;

import java.nio.channels.ClosedChannelException;

/** A {@link ClosedChannelException} that names the file it was about. */
final class FileClosedException extends ClosedChannelException {
    private static final long serialVersionUID = 1L;
    private final String path;

    FileClosedException(String path) {
        this.path = path;
    }

    @Override
    public String getMessage() {
        return "file is closed: " + path;
    }
}
