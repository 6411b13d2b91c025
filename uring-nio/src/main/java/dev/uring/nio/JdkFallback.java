package dev.uring.nio;

import dev.uring.core.IoUring;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.channels.AsynchronousFileChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Whether the io_uring channel can be used, and the JDK's own channel where it cannot (io_uring
 * refused by a seccomp filter, the {@code kernel.io_uring_disabled} sysctl, a memlock limit, an old
 * kernel): said once in the log, with the reason {@link IoUring#unavailabilityCause()} gives.
 */
final class JdkFallback {
    private static final System.Logger LOG = System.getLogger("dev.uring.nio");
    static final JdkFallback INSTANCE = new JdkFallback(IoUring::unavailabilityCause);

    private final Supplier<@Nullable Throwable> cause;
    private final AtomicBoolean said = new AtomicBoolean();

    JdkFallback(Supplier<@Nullable Throwable> cause) {
        this.cause = cause;
    }

    /** Whether channels must be the JDK's; logs why the first time it answers yes. */
    boolean needed() {
        Throwable c = cause.get();
        if (c == null) {
            return false;
        }
        if (said.compareAndSet(false, true)) {
            LOG.log(Level.WARNING, "io_uring is unavailable, so AsynchronousFileChannel.open returns the JDK's "
                    + "thread-pool channel: " + c.getMessage());
        }
        return true;
    }

    /** Whether the fallback has been logged. */
    boolean logged() {
        return said.get();
    }

    /**
     * The JDK's channel for {@code path}: asked of the JDK's own provider (the provider of the JDK's
     * path inside a wrapped one), never of the wrapping provider, which would come back here.
     */
    static AsynchronousFileChannel open(Path path, Set<? extends OpenOption> options, @Nullable ExecutorService executor,
            FileAttribute<?>... attrs) throws IOException {
        Path jdk = UringFileSystem.unwrapDefault(path);
        return jdk.getFileSystem().provider().newAsynchronousFileChannel(jdk, options, executor, attrs);
    }
}
