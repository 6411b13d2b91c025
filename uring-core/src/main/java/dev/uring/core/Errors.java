package dev.uring.core;

import dev.uring.core.ffi.Errno;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import org.jspecify.annotations.Nullable;

/**
 * Maps an errno from a syscall or a CQE to the {@link IOException} a Java user expects: the
 * {@code java.nio.file} exceptions for file errors, {@link ConnectException} for a refused connect,
 * {@link UringException} (which keeps the errno) for everything else.
 */
public final class Errors {
    private Errors() {
    }

    /**
     * The exception for {@code operation} on {@code target} failing with {@code errno}.
     *
     * @param errno the errno, positive or negative (a CQE's {@code res})
     * @param operation what failed, e.g. {@code OPENAT}
     * @param target the path, fd or address involved, or null
     */
    public static IOException toException(int errno, String operation, @Nullable String target) {
        int e = Math.abs(errno);
        String reason = operation + ": " + Errno.name(e) + " (" + Errno.text(e) + ")";
        String file = target == null ? "" : target;
        return switch (e) {
            case Errno.ENOENT -> new NoSuchFileException(file, null, reason);
            case Errno.EACCES, Errno.EPERM -> new AccessDeniedException(file, null, reason);
            case Errno.EEXIST -> new FileAlreadyExistsException(file, null, reason);
            case Errno.ENOTDIR -> {
                NotDirectoryException nde = new NotDirectoryException(file);
                nde.initCause(new UringException(e, operation, target));
                yield nde;
            }
            case Errno.ENOTEMPTY -> {
                DirectoryNotEmptyException dne = new DirectoryNotEmptyException(file);
                dne.initCause(new UringException(e, operation, target));
                yield dne;
            }
            case Errno.EISDIR, Errno.ELOOP, Errno.ENAMETOOLONG, Errno.EROFS, Errno.EXDEV ->
                new FileSystemException(file, null, reason);
            case Errno.ECONNREFUSED -> new ConnectException(
                    "Connection refused: " + file + " (" + operation + ": ECONNREFUSED)");
            case Errno.EHOSTUNREACH, Errno.ENETUNREACH -> new NoRouteToHostException(
                    Errno.text(e) + ": " + file + " (" + operation + ": " + Errno.name(e) + ")");
            default -> new UringException(e, operation, target);
        };
    }
}
