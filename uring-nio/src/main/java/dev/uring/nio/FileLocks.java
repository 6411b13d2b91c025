package dev.uring.nio;

import java.io.IOException;
import java.nio.channels.AsynchronousFileChannel;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.EnumSet;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A channel's file locks. io_uring has no lock op, so locks are taken by the JDK itself: on a
 * {@link FileChannel} opened, on the first lock, on the same file (through {@code /proc/self/fd/N},
 * which reopens the very inode the channel has open even if its path was renamed or removed; the
 * channel's path where /proc is not mounted), with the channel's READ/WRITE modes. The locks are
 * therefore the JDK's: POSIX record locks, shared by the whole JVM's lock table (an overlap with a
 * lock held by any channel of this JVM is an {@link java.nio.channels.OverlappingFileLockException})
 * and released when the channel closes. A blocking lock waits on an executor thread, never on a
 * loop thread; {@link #tryLock} does not block.
 */
final class FileLocks {
    private final Path path;
    private final int fd;
    private final boolean reading;
    private final boolean writing;
    private @Nullable FileChannel channel;
    private boolean closed;

    FileLocks(Path path, int fd, boolean reading, boolean writing) {
        this.path = path;
        this.fd = fd;
        this.reading = reading;
        this.writing = writing;
    }

    /** The lock channel, opened on first use. */
    private synchronized FileChannel channel() throws IOException {
        if (closed) {
            throw new ClosedChannelException();
        }
        FileChannel c = channel;
        if (c == null) {
            Set<StandardOpenOption> modes = EnumSet.noneOf(StandardOpenOption.class);
            if (reading) {
                modes.add(StandardOpenOption.READ);
            }
            if (writing) {
                modes.add(StandardOpenOption.WRITE);
            }
            Path self = Path.of("/proc/self/fd/" + fd);
            c = FileChannel.open(Files.exists(self) ? self : path, modes);
            channel = c;
        }
        return c;
    }

    /** Takes a lock, waiting while another process holds an overlapping one (call it off the loops). */
    FileLock lock(AsynchronousFileChannel owner, long position, long size, boolean shared) throws IOException {
        return new UringFileLock(owner, channel().lock(position, size, shared));
    }

    /** Takes a lock, or returns null at once when another process holds an overlapping one. */
    @Nullable FileLock tryLock(AsynchronousFileChannel owner, long position, long size, boolean shared)
            throws IOException {
        FileLock l = channel().tryLock(position, size, shared);
        return l == null ? null : new UringFileLock(owner, l);
    }

    /** Releases every lock (by closing the lock channel); a later lock fails. */
    synchronized void close() throws IOException {
        closed = true;
        FileChannel c = channel;
        channel = null;
        if (c != null) {
            c.close();
        }
    }

    /** A lock of the io_uring channel, held through the JDK lock channel's own. */
    private static final class UringFileLock extends FileLock {
        private final FileLock held;

        UringFileLock(AsynchronousFileChannel owner, FileLock held) {
            super(owner, held.position(), held.size(), held.isShared());
            this.held = held;
        }

        @Override
        public boolean isValid() {
            return held.isValid();
        }

        @Override
        public void release() throws IOException {
            held.release();
        }
    }
}
