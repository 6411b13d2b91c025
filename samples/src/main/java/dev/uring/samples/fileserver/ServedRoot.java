package dev.uring.samples.fileserver;

import dev.uring.core.Opcode;
import dev.uring.core.RegisterOp;
import dev.uring.core.SqeFlags;
import dev.uring.policy.ArgumentFilter;
import dev.uring.policy.RingPolicy;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Locale;
import org.springframework.util.StringUtils;

/**
 * The directory the server serves, and the one rule that keeps every request inside it: a request
 * path is refused when it carries an encoded dot, slash, backslash or NUL, a {@code .} or
 * {@code ..} segment, or when it (or, for a new file, its parent) resolves, symbolic links
 * followed, outside the root.
 *
 * <p>That check runs in user space and a path can change after it (a symbolic link swapped in), so
 * the server does not rely on it alone: its io_uring runtime runs under {@link #policy()}, and files
 * are opened with OPENAT2 and RESOLVE_BENEATH relative to the root directory's fd, so that the
 * kernel itself refuses a lookup that leaves the root.
 */
final class ServedRoot implements AutoCloseable {
    private final Path root;
    private volatile dev.uring.reactor.file.@org.jspecify.annotations.Nullable ReactiveFile directory;

    ServedRoot(Path root) throws IOException {
        this.root = root.toRealPath();
        if (!Files.isDirectory(this.root)) {
            throw new IllegalArgumentException(root + " is not a directory");
        }
    }

    Path path() {
        return root;
    }

    /**
     * The root directory, open (on {@code uring}, the first time): the directory OPENAT2 resolves
     * beneath. Open it where no policy is in force (the served-root policy refuses plain OPENAT).
     */
    dev.uring.reactor.file.ReactiveFile directory(dev.uring.reactor.Uring uring) {
        dev.uring.reactor.file.ReactiveFile d = directory;
        if (d == null) {
            synchronized (this) {
                d = directory;
                if (d == null) {
                    d = dev.uring.reactor.file.ReactiveFile.open(uring, root).block(java.time.Duration.ofSeconds(30));
                    directory = d;
                }
            }
        }
        return d;
    }

    /** Closes the root directory, if it was opened. */
    @Override
    public void close() {
        dev.uring.reactor.file.ReactiveFile d = directory;
        if (d != null) {
            d.close().onErrorComplete().block(java.time.Duration.ofSeconds(10));
        }
    }

    /** Thrown when a request path would leave the root; the server answers 403. */
    static final class Refused extends Exception {
        private static final long serialVersionUID = 1L;

        Refused(String why) {
            super(why, null, false, false);
        }
    }

    /**
     * The file that a raw (still percent-encoded) path below the route's prefix names, checked to
     * be inside the root. An existing file is checked with its symbolic links resolved; a missing
     * one through its parent, which must exist.
     *
     * @throws Refused when the path would leave the root
     * @throws NoSuchFileException when neither the file nor its parent exists
     */
    Path resolve(String rawPath) throws Refused, IOException {
        String lower = rawPath.toLowerCase(Locale.ROOT);
        if (lower.contains("%2e") || lower.contains("%2f") || lower.contains("%5c") || lower.contains("%00")
                || rawPath.indexOf('\\') >= 0) {
            throw new Refused("encoded dots, slashes, backslashes and NULs are refused: " + rawPath);
        }
        String decoded = StringUtils.uriDecode(rawPath, StandardCharsets.UTF_8);
        Path p = root;
        for (String segment : decoded.split("/")) {
            if (segment.equals(".") || segment.equals("..")) {
                throw new Refused("'.' and '..' segments are refused: " + rawPath);
            }
            if (!segment.isEmpty()) {
                p = p.resolve(segment);
            }
        }
        Path real;
        if (Files.exists(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            real = p.toRealPath();
        } else {
            Path parent = p.getParent();
            if (parent == null || !Files.isDirectory(parent)) {
                throw new NoSuchFileException(rawPath);
            }
            real = parent.toRealPath().resolve(p.getFileName());
        }
        if (!real.startsWith(root)) {
            throw new Refused("resolves outside the served root: " + rawPath);
        }
        return real;
    }

    /**
     * The policy the server's io_uring work runs under: no plain OPENAT (the kernel refuses it), OPENAT2
     * only with RESOLVE_BENEATH or RESOLVE_IN_ROOT and only for paths beneath the root (checked in Java
     * before submission; by the kernel's BPF filter too where the kernel has one), and no sockets of
     * its own (HTTP is Netty's).
     */
    RingPolicy policy() {
        EnumSet<Opcode> ops = EnumSet.allOf(Opcode.class);
        ops.removeAll(EnumSet.of(Opcode.OPENAT, Opcode.SOCKET, Opcode.CONNECT, Opcode.ACCEPT, Opcode.BIND,
                Opcode.LISTEN));
        return RingPolicy.builder("served-root").allowOps(ops).allowRegisterOps(EnumSet.allOf(RegisterOp.class))
                .allowFlags(SqeFlags.ALL).filter(new ArgumentFilter.Open(true, true, root, true)).build();
    }

    /** The path of {@code file} relative to the root, with '/' separators. */
    String relative(Path file) {
        return root.relativize(file).toString().replace('\\', '/');
    }
}
