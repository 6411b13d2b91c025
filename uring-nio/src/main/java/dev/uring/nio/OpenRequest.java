package dev.uring.nio;

import dev.uring.core.OpenFlags;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;

/**
 * The open(2) flags and mode for {@code AsynchronousFileChannel.open}'s options and attributes, with
 * the JDK's rules on Linux: neither READ nor WRITE means READ; CREATE, CREATE_NEW and
 * TRUNCATE_EXISTING count only with WRITE; APPEND is refused; SPARSE is a hint; an option the JDK
 * does not know is refused; the only initial attribute is {@code posix:permissions}.
 *
 * @param flags the open(2) flags (O_CLOEXEC included)
 * @param mode the mode for a created file (the kernel applies the umask)
 * @param reading whether reads are allowed
 * @param writing whether writes are allowed
 * @param deleteOnClose whether the file is unlinked once open (DELETE_ON_CLOSE, as the JDK does on Linux)
 */
record OpenRequest(int flags, int mode, boolean reading, boolean writing, boolean deleteOnClose) {
    static OpenRequest of(Set<? extends OpenOption> options, FileAttribute<?>... attrs) {
        boolean read = false;
        boolean write = false;
        boolean create = false;
        boolean createNew = false;
        boolean truncate = false;
        boolean deleteOnClose = false;
        int extra = 0;
        for (OpenOption o : options) {
            if (o == null) {
                throw new NullPointerException("an open option is null");
            }
            if (o instanceof StandardOpenOption s) {
                switch (s) {
                    case READ -> read = true;
                    case WRITE -> write = true;
                    case APPEND -> throw new UnsupportedOperationException("APPEND not allowed");
                    case CREATE -> create = true;
                    case CREATE_NEW -> createNew = true;
                    case TRUNCATE_EXISTING -> truncate = true;
                    case DELETE_ON_CLOSE -> deleteOnClose = true;
                    case SPARSE -> { }
                    case SYNC -> extra |= OpenFlags.O_SYNC;
                    case DSYNC -> extra |= OpenFlags.O_DSYNC;
                }
            } else if (o == LinkOption.NOFOLLOW_LINKS) {
                extra |= OpenFlags.O_NOFOLLOW;
            } else {
                throw new UnsupportedOperationException(o + " not supported");
            }
        }
        if (!read && !write) {
            read = true;
        }
        int flags = (read && write ? OpenFlags.O_RDWR : write ? OpenFlags.O_WRONLY : OpenFlags.O_RDONLY)
                | OpenFlags.O_CLOEXEC | extra;
        if (write) {
            if (truncate) {
                flags |= OpenFlags.O_TRUNC;
            }
            if (createNew) {
                // O_EXCL also refuses a symbolic link in the last component
                flags |= OpenFlags.O_CREAT | OpenFlags.O_EXCL;
            } else if (create) {
                flags |= OpenFlags.O_CREAT;
            }
        }
        return new OpenRequest(flags, mode(attrs), read, write, deleteOnClose);
    }

    private static int mode(FileAttribute<?>... attrs) {
        int mode = 0666;
        for (FileAttribute<?> a : attrs) {
            String name = a.name();
            if (!name.equals("posix:permissions") && !name.equals("unix:permissions")) {
                throw new UnsupportedOperationException("'" + name + "' not supported as initial attribute");
            }
            mode = 0;
            for (Object p : (Set<?>) a.value()) {
                if (!(p instanceof PosixFilePermission perm)) {
                    throw new ClassCastException("not a PosixFilePermission: " + p);
                }
                mode |= 0400 >> perm.ordinal();
            }
        }
        return mode;
    }
}
