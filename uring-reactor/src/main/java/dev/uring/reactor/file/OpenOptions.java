package dev.uring.reactor.file;

import dev.uring.core.OpenFlags;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.StandardOpenOption;
import java.util.Objects;

/** Translates {@link OpenOption}s to open(2) flags, with FileChannel.open's rules. */
final class OpenOptions {
    private OpenOptions() {
    }

    static int toFlags(OpenOption... options) {
        Objects.requireNonNull(options, "options");
        boolean read = false;
        boolean write = false;
        boolean append = false;
        int flags = OpenFlags.O_CLOEXEC;
        int create = 0;
        for (OpenOption o : options) {
            Objects.requireNonNull(o, "an open option is null");
            if (o == StandardOpenOption.READ) {
                read = true;
            } else if (o == StandardOpenOption.WRITE) {
                write = true;
            } else if (o == StandardOpenOption.APPEND) {
                append = true;
            } else if (o == StandardOpenOption.CREATE) {
                create |= OpenFlags.O_CREAT;
            } else if (o == StandardOpenOption.CREATE_NEW) {
                create |= OpenFlags.O_CREAT | OpenFlags.O_EXCL;
            } else if (o == StandardOpenOption.TRUNCATE_EXISTING) {
                flags |= OpenFlags.O_TRUNC;
            } else if (o == StandardOpenOption.DSYNC) {
                flags |= OpenFlags.O_DSYNC;
            } else if (o == StandardOpenOption.SYNC) {
                flags |= OpenFlags.O_SYNC;
            } else if (o == LinkOption.NOFOLLOW_LINKS) {
                flags |= OpenFlags.O_NOFOLLOW;
            } else if (o == StandardOpenOption.SPARSE) {
                // a hint only, as for FileChannel on Linux
            } else {
                throw new UnsupportedOperationException("open option " + o + " is not supported");
            }
        }
        if (append) {
            if (read) {
                throw new IllegalArgumentException("READ + APPEND not allowed");
            }
            if ((flags & OpenFlags.O_TRUNC) != 0) {
                throw new IllegalArgumentException("APPEND + TRUNCATE_EXISTING not allowed");
            }
            write = true;
            flags |= OpenFlags.O_APPEND;
        }
        if (write) {
            flags |= (read ? OpenFlags.O_RDWR : OpenFlags.O_WRONLY) | create;
        } else {
            // CREATE and TRUNCATE only mean something for writing, as for FileChannel
            flags &= ~OpenFlags.O_TRUNC;
            flags |= OpenFlags.O_RDONLY;
        }
        return flags;
    }
}
