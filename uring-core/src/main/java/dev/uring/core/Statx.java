package dev.uring.core;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import dev.uring.core.ffi.StatxLayout;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.time.Instant;

/**
 * What STATX reported about a file.
 *
 * @param size the size in bytes
 * @param mode the type and permission bits ({@code st_mode})
 * @param inode the inode number
 * @param links the hard link count
 * @param uid the owner
 * @param gid the group
 * @param blocks 512-byte blocks allocated
 * @param blockSize the preferred I/O size
 * @param lastModified the modification time
 * @param lastChanged the status change time ({@code stx_ctime}: contents, metadata or a rename)
 * @param device the device holding the file, as {@code major << 32 | minor} ({@code stx_dev_*})
 */
public record Statx(long size, int mode, long inode, int links, int uid, int gid, long blocks, int blockSize,
        Instant lastModified, Instant lastChanged, long device) {
    /** The mask asking for every basic field ({@code STATX_BASIC_STATS}). */
    public static final int BASIC_STATS = StatxLayout.STATX_BASIC_STATS;
    private static final int S_IFMT = 0170000;

    /** Allocates a statx buffer for {@link Sqe#prepStatx} in {@code arena}. */
    public static MemorySegment allocateBuffer(Arena arena) {
        return arena.allocate(StatxLayout.SIZE, 8);
    }

    /** Decodes a statx buffer the kernel filled. */
    public static Statx read(MemorySegment buf) {
        if (buf.byteSize() < StatxLayout.SIZE) {
            throw new IllegalArgumentException("statx buffer needs " + StatxLayout.SIZE + " bytes, got " + buf.byteSize());
        }
        return new Statx(buf.get(JAVA_LONG, StatxLayout.SIZE_FIELD),
                Short.toUnsignedInt(buf.get(JAVA_SHORT, StatxLayout.MODE)),
                buf.get(JAVA_LONG, StatxLayout.INO), buf.get(JAVA_INT, StatxLayout.NLINK),
                buf.get(JAVA_INT, StatxLayout.UID), buf.get(JAVA_INT, StatxLayout.GID),
                buf.get(JAVA_LONG, StatxLayout.BLOCKS), buf.get(JAVA_INT, StatxLayout.BLKSIZE),
                timestamp(buf, StatxLayout.MTIME), timestamp(buf, StatxLayout.CTIME),
                Integer.toUnsignedLong(buf.get(JAVA_INT, StatxLayout.DEV_MAJOR)) << 32
                        | Integer.toUnsignedLong(buf.get(JAVA_INT, StatxLayout.DEV_MINOR)));
    }

    /** A {@code struct statx_timestamp} at {@code offset}: seconds, then nanoseconds. */
    private static Instant timestamp(MemorySegment buf, long offset) {
        return Instant.ofEpochSecond(buf.get(JAVA_LONG, offset), Integer.toUnsignedLong(buf.get(JAVA_INT, offset + 8)));
    }

    /** Whether this is a directory. */
    public boolean isDirectory() {
        return (mode & S_IFMT) == 0040000;
    }

    /** Whether this is a regular file. */
    public boolean isRegularFile() {
        return (mode & S_IFMT) == 0100000;
    }

    /** Whether this is a symbolic link. */
    public boolean isSymbolicLink() {
        return (mode & S_IFMT) == 0120000;
    }
}
