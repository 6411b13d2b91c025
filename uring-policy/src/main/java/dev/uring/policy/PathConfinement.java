package dev.uring.policy;

import dev.uring.core.AtFlags;
import dev.uring.core.Sqe;
import dev.uring.core.SqeFlags;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/**
 * Checks that an open's path resolves beneath a root directory. This runs before submission, in
 * user space: a path or symlink changed between this check and the kernel's lookup escapes it, which
 * is why the open rule can also demand RESOLVE_BENEATH, checked by the kernel itself.
 */
final class PathConfinement {
    private static final int PATH_MAX = 4096;

    private PathConfinement() {
    }

    static @Nullable String check(Sqe sqe, Path root) {
        if ((sqe.flagsValue() & SqeFlags.FIXED_FILE) != 0) {
            return "dirfd is a fixed file, whose directory cannot be checked against root " + root;
        }
        String raw = sqe.addrString(PATH_MAX);
        Path path;
        try {
            path = Path.of(raw);
        } catch (RuntimeException e) {
            return "path '" + raw + "' is not a valid path";
        }
        for (Path name : path) {
            if (name.toString().equals("..")) {
                return "path '" + raw + "' has a '..' component";
            }
        }
        Path full;
        try {
            full = path.isAbsolute() ? path : base(sqe.fd()).resolve(path);
        } catch (IOException e) {
            return "dirfd " + sqe.fd() + " cannot be resolved: " + e.getMessage();
        }
        Path real;
        try {
            real = realPrefix(full.normalize());
        } catch (IOException e) {
            return "path '" + raw + "' cannot be resolved (" + e + ")";
        }
        Path realRoot;
        try {
            realRoot = root.toRealPath();
        } catch (IOException e) {
            return "root " + root + " does not exist";
        }
        if (!real.startsWith(realRoot)) {
            return "path '" + raw + "' resolves to " + real + ", outside root " + realRoot;
        }
        return null;
    }

    private static Path base(int dirfd) throws IOException {
        if (dirfd == AtFlags.FDCWD) {
            return Path.of("").toAbsolutePath();
        }
        return Files.readSymbolicLink(Path.of("/proc/self/fd/" + dirfd));
    }

    /**
     * The real path of the longest existing prefix (symlinks followed, so one leading out is seen),
     * with the names that do not exist yet appended. A dangling symlink fails: opening it with
     * O_CREAT would create its target wherever it points.
     */
    private static Path realPrefix(Path full) throws IOException {
        Path existing = full;
        while (existing != null && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            return full;
        }
        Path real = existing.toRealPath();
        return real.resolve(existing.relativize(full));
    }
}
