package dev.uring.reactor;

import dev.uring.core.Sqe;
import org.jspecify.annotations.Nullable;

/** IORING_OP_CLOSE of a file's fd, once no op holds the file any more. */
final class CloseOp implements UringOperation<Void> {
    private final int fd;
    private final String path;

    CloseOp(int fd, String path) {
        this.fd = fd;
        this.path = path;
    }

    @Override
    public void prep(Sqe sqe) {
        sqe.prepClose(fd);
    }

    @Override
    public @Nullable Void result(int res) {
        return null;
    }

    @Override
    public String name() {
        return "CLOSE";
    }

    @Override
    public String target() {
        return path;
    }

    @Override
    public boolean policyChecked() {
        return false;
    }

    @Override
    public void release() {
    }
}
