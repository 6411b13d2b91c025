package dev.uring.samples.fileserver;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import org.springframework.util.StringUtils;

/**
 * The directory the server serves, and the one rule that keeps every request inside it: a request
 * path is refused when it carries an encoded dot, slash, backslash or NUL, a {@code .} or
 * {@code ..} segment, or when it (or, for a new file, its parent) resolves, symbolic links
 * followed, outside the root.
 */
final class ServedRoot {
    private final Path root;

    ServedRoot(Path root) throws IOException {
        this.root = root.toRealPath();
        if (!Files.isDirectory(this.root)) {
            throw new IllegalArgumentException(root + " is not a directory");
        }
    }

    Path path() {
        return root;
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

    /** The path of {@code file} relative to the root, with '/' separators. */
    String relative(Path file) {
        return root.relativize(file).toString().replace('\\', '/');
    }
}
