package dev.uring.reactor.spring;

import dev.uring.core.Statx;
import java.nio.file.Path;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.springframework.core.io.FileSystemResource;

/**
 * A file-system resource with the STATX the application just took of it (to tell a file from a
 * directory, say): the io_uring writers use that instead of taking their own, so a kept open file
 * is served with no ring op but its reads. They trust it for {@link #TRUST_NANOS} after it was
 * created and take their own STATX after that, so a resource kept across requests is never
 * served from a file more than that out of date. To Spring's own writers it is a plain
 * {@link FileSystemResource}.
 */
public class UringFileSystemResource extends FileSystemResource {
    /** How long the STATX is trusted after the resource was created: one second. */
    public static final long TRUST_NANOS = 1_000_000_000L;

    private final Statx statx;
    private final long takenAt = System.nanoTime();
    private final java.util.concurrent.atomic.AtomicReference<dev.uring.reactor.@Nullable ReactiveFile> openFile;

    /** A resource for {@code path}, whose STATX (following symbolic links) was {@code statx} just now. */
    public UringFileSystemResource(Path path, Statx statx) {
        super(path);
        this.statx = Objects.requireNonNull(statx, "statx");
        this.openFile = new java.util.concurrent.atomic.AtomicReference<>();
    }

    /**
     * A resource for a file the application has already opened (say with
     * {@link dev.uring.reactor.ReactiveFile#openBeneath}, so that the kernel confined the lookup),
     * whose STATX ({@code file.stat()}) is {@code statx}. The io_uring writers read that open file,
     * never its path, and close it when the response ends; it is served once (a second write opens
     * the path as for any other resource). Spring's own writers see a plain resource of
     * {@code file.path()}, and the file stays open until the runtime closes: give such a resource
     * only to the io_uring writers, or close the file yourself.
     */
    public UringFileSystemResource(dev.uring.reactor.ReactiveFile file, Statx statx) {
        super(Objects.requireNonNull(file, "file").path());
        this.statx = Objects.requireNonNull(statx, "statx");
        this.openFile = new java.util.concurrent.atomic.AtomicReference<>(file);
    }

    /** The open file this resource brings, once (null after, or when it brought none). */
    dev.uring.reactor.@Nullable ReactiveFile takeOpenFile() {
        return openFile.getAndSet(null);
    }

    /** The STATX given at creation. */
    public Statx statx() {
        return statx;
    }

    /** The STATX while it is trusted, else null. */
    @Nullable Statx freshStatx() {
        return System.nanoTime() - takenAt <= TRUST_NANOS ? statx : null;
    }
}
