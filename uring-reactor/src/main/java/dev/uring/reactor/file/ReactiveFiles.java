package dev.uring.reactor.file;

import dev.uring.core.Statx;
import dev.uring.reactor.Uring;
import dev.uring.reactor.op.MonoUringOp;
import dev.uring.reactor.op.Runtimes;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.file.CopyOption;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Objects;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;

/**
 * Whole-file and path operations as io_uring ops, like {@link java.nio.file.Files} but cold
 * {@link Mono}s. Each method comes twice: on the {@link Uring#shared()} runtime, and on a given
 * one. Errors are the {@code java.nio.file} exceptions; bad arguments throw at assembly time.
 */
public final class ReactiveFiles {
    private static final OpenOption[] WRITE_DEFAULTS = {
        StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE};

    private ReactiveFiles() {
    }

    private static String pathString(Path path, String name) {
        return Objects.requireNonNull(path, name).toString();
    }

    /** {@link #readAllBytes(Uring, Path)} on the shared runtime. */
    public static Mono<byte[]> readAllBytes(Path path) {
        return readAllBytes(Uring.shared(), path);
    }

    /** Reads the whole file; fails with {@link NoSuchFileException} when it does not exist. */
    public static Mono<byte[]> readAllBytes(Uring uring, Path path) {
        Objects.requireNonNull(uring, "uring");
        Objects.requireNonNull(path, "path");
        return Mono.usingWhen(ReactiveFile.open(uring, path),
                f -> f.readAll().collect(ByteArrayOutputStream::new, ReactiveFiles::append)
                        .map(ByteArrayOutputStream::toByteArray),
                ReactiveFile::close);
    }

    private static void append(ByteArrayOutputStream out, ByteBuffer b) {
        if (b.hasArray()) {
            out.write(b.array(), b.arrayOffset() + b.position(), b.remaining());
        } else {
            byte[] copy = new byte[b.remaining()];
            b.get(copy);
            out.write(copy, 0, copy.length);
        }
    }

    /** {@link #write(Uring, Path, Publisher, OpenOption...)} on the shared runtime. */
    public static Mono<Long> write(Path path, Publisher<ByteBuffer> data, OpenOption... options) {
        return write(Uring.shared(), path, data, options);
    }

    /**
     * Writes every buffer of {@code data} to {@code path} from offset 0; yields the bytes written.
     * Without options: CREATE, TRUNCATE_EXISTING, WRITE.
     */
    public static Mono<Long> write(Uring uring, Path path, Publisher<ByteBuffer> data, OpenOption... options) {
        Objects.requireNonNull(uring, "uring");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(data, "data");
        OpenOption[] opts = Objects.requireNonNull(options, "options").length == 0 ? WRITE_DEFAULTS : options;
        return Mono.usingWhen(ReactiveFile.open(uring, path, opts), f -> f.write(data, 0), ReactiveFile::close);
    }

    /** {@link #write(Uring, Path, byte[], OpenOption...)} on the shared runtime. */
    public static Mono<Long> write(Path path, byte[] bytes, OpenOption... options) {
        return write(Uring.shared(), path, bytes, options);
    }

    /** Writes {@code bytes} to {@code path}; without options: CREATE, TRUNCATE_EXISTING, WRITE. */
    public static Mono<Long> write(Uring uring, Path path, byte[] bytes, OpenOption... options) {
        Objects.requireNonNull(bytes, "bytes");
        return write(uring, path, Mono.fromSupplier(() -> ByteBuffer.wrap(bytes)), options);
    }

    /** {@link #copy(Uring, Path, Path, int, CopyOption...)} on the shared runtime. */
    public static Mono<Long> copy(Path source, Path target, int depth, CopyOption... options) {
        return copy(Uring.shared(), source, target, depth, options);
    }

    /**
     * Copies {@code source} to {@code target} with up to {@code depth} reads in flight ahead of
     * the writes; yields the bytes copied. The target must not exist unless
     * {@link StandardCopyOption#REPLACE_EXISTING} is given
     * ({@link java.nio.file.FileAlreadyExistsException}).
     */
    public static Mono<Long> copy(Uring uring, Path source, Path target, int depth, CopyOption... options) {
        Objects.requireNonNull(uring, "uring");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(target, "target");
        if (depth <= 0) {
            throw new IllegalArgumentException("depth must be positive, got " + depth);
        }
        boolean replace = false;
        for (CopyOption o : Objects.requireNonNull(options, "options")) {
            if (o == StandardCopyOption.REPLACE_EXISTING) {
                replace = true;
            } else {
                throw new UnsupportedOperationException("copy option " + o + " is not supported");
            }
        }
        OpenOption[] targetOptions = replace ? WRITE_DEFAULTS
                : new OpenOption[] {StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE};
        return Mono.usingWhen(ReactiveFile.open(uring, source),
                src -> Mono.usingWhen(ReactiveFile.open(uring, target, targetOptions),
                        dst -> dst.write(src.readAll(ReactiveFile.DEFAULT_CHUNK * 4, depth), 0),
                        ReactiveFile::close),
                ReactiveFile::close);
    }

    /** {@link #delete(Uring, Path)} on the shared runtime. */
    public static Mono<Void> delete(Path path) {
        return delete(Uring.shared(), path);
    }

    /**
     * Deletes a file or an empty directory (UNLINKAT, then with AT_REMOVEDIR on EISDIR); fails
     * with {@link NoSuchFileException} or {@link java.nio.file.DirectoryNotEmptyException}.
     */
    public static Mono<Void> delete(Uring uring, Path path) {
        Objects.requireNonNull(uring, "uring");
        String p = pathString(path, "path");
        return new MonoUringOp<>(Runtimes.of(uring), null, () -> new PathOp(PathOp.Kind.DELETE, p, null, 0), 0);
    }

    /** {@link #createDirectory(Uring, Path)} on the shared runtime. */
    public static Mono<Void> createDirectory(Path path) {
        return createDirectory(Uring.shared(), path);
    }

    /** Creates a directory (MKDIRAT, mode 0777 less the umask); fails with FileAlreadyExistsException. */
    public static Mono<Void> createDirectory(Uring uring, Path path) {
        Objects.requireNonNull(uring, "uring");
        String p = pathString(path, "path");
        return new MonoUringOp<>(Runtimes.of(uring), null, () -> new PathOp(PathOp.Kind.MKDIR, p, null, 0777), 0);
    }

    /** {@link #move(Uring, Path, Path, CopyOption...)} on the shared runtime. */
    public static Mono<Void> move(Path source, Path target, CopyOption... options) {
        return move(Uring.shared(), source, target, options);
    }

    /**
     * Renames {@code source} to {@code target} (RENAMEAT; atomic on one file system). Without
     * {@link StandardCopyOption#REPLACE_EXISTING} an existing target fails with
     * FileAlreadyExistsException; across file systems it fails (EXDEV) rather than copying.
     */
    public static Mono<Void> move(Uring uring, Path source, Path target, CopyOption... options) {
        Objects.requireNonNull(uring, "uring");
        String s = pathString(source, "source");
        String t = pathString(target, "target");
        int flags = PathOp.RENAME_NOREPLACE;
        for (CopyOption o : Objects.requireNonNull(options, "options")) {
            if (o == StandardCopyOption.REPLACE_EXISTING) {
                flags = 0;
            } else if (o != StandardCopyOption.ATOMIC_MOVE && o != LinkOption.NOFOLLOW_LINKS) {
                throw new UnsupportedOperationException("move option " + o + " is not supported");
            }
        }
        int f = flags;
        return new MonoUringOp<>(Runtimes.of(uring), null, () -> new PathOp(PathOp.Kind.RENAME, s, t, f), 0);
    }

    /** {@link #exists(Uring, Path)} on the shared runtime. */
    public static Mono<Boolean> exists(Path path) {
        return exists(Uring.shared(), path);
    }

    /** Whether {@code path} exists (STATX; ENOENT is false, other errors fail). */
    public static Mono<Boolean> exists(Uring uring, Path path) {
        return stat(uring, path).map(s -> true).onErrorReturn(NoSuchFileException.class::isInstance, false);
    }

    /** {@link #stat(Uring, Path)} on the shared runtime. */
    public static Mono<Statx> stat(Path path) {
        return stat(Uring.shared(), path);
    }

    /** STATX of {@code path}, following symlinks; fails with NoSuchFileException. */
    public static Mono<Statx> stat(Uring uring, Path path) {
        Objects.requireNonNull(uring, "uring");
        String p = pathString(path, "path");
        return new MonoUringOp<>(Runtimes.of(uring), null, () -> new StatxOp(p), 0);
    }
}
