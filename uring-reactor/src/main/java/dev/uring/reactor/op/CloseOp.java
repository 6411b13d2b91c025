package dev.uring.reactor.op;

import dev.uring.core.Opcode;
import dev.uring.core.Sqe;
import dev.uring.core.loop.EventLoop;
import java.util.concurrent.RejectedExecutionException;
import org.jspecify.annotations.Nullable;

/** IORING_OP_CLOSE of a file's fd, once no op holds the file any more. */
public final class CloseOp implements UringOperation<Void> {
    private final int fd;
    private final String path;

    public CloseOp(int fd, String path) {
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
    public Opcode opcode() {
        return Opcode.CLOSE;
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

    /**
     * Closes {@code fd} with an IORING_OP_CLOSE on {@code loop} (from any thread), then runs
     * {@code then} on the loop; when the loop is gone, just runs {@code then}.
     */
    public static void closeFd(EventLoop loop, int fd, Runnable then) {
        try {
            loop.runOrExecute(() -> loop.nextSqe().prepClose(fd).userData(loop.register((res, flags) -> then.run())));
        } catch (RejectedExecutionException e) {
            then.run();
        }
    }
}
