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
    private final dev.uring.reactor.file.@Nullable ReactiveFile beneath;
    private final @Nullable String relativePath;

    /** A resource for {@code path}, whose STATX (following symbolic links) was {@code statx} just now. */
    public UringFileSystemResource(Path path, Statx statx) {
        this(path, statx, null, null);
    }

    /**
     * A resource for {@code directory/relativePath} (its STATX {@code statx}, taken just now) that the
     * io_uring writers open only with OPENAT2 and RESOLVE_BENEATH relative to {@code directory} (or
     * reuse a file they kept open that way): a path that leaves the directory by the time of the open
     * (a symbolic link swapped in after the application checked it) is refused by the kernel, and the
     * response is a 403. Spring's own writers see a plain resource of {@code directory.path()/relativePath}.
     *
     * @throws IllegalArgumentException when {@code relativePath} is absolute
     */
    public static UringFileSystemResource beneath(dev.uring.reactor.file.ReactiveFile directory, String relativePath,
            Statx statx) {
        Objects.requireNonNull(directory, "directory");
        if (relativePath.startsWith("/")) {
            throw new IllegalArgumentException("the path must be relative to the directory, got " + relativePath);
        }
        return new UringFileSystemResource(directory.path().resolve(relativePath), statx, directory, relativePath);
    }

    private UringFileSystemResource(Path path, Statx statx, dev.uring.reactor.file.@Nullable ReactiveFile beneath,
            @Nullable String relativePath) {
        super(path);
        this.statx = Objects.requireNonNull(statx, "statx");
        this.beneath = beneath;
        this.relativePath = relativePath;
    }

    /** The directory the writers must open this file beneath, or null to open it by path. */
    dev.uring.reactor.file.@Nullable ReactiveFile beneath() {
        return beneath;
    }

    /** The path relative to {@link #beneath()} (null when that is null). */
    String relativePath() {
        return Objects.requireNonNull(relativePath, "not a confined resource");
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
