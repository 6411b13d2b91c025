package dev.uring.core;

import dev.uring.core.ffi.OpenHowLayout;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/** A {@code struct open_how} for OPENAT2: open flags, mode and {@code RESOLVE_*} rules. */
public final class OpenHow {
    /** Refuse to cross a mount point. */
    public static final long RESOLVE_NO_XDEV = OpenHowLayout.RESOLVE_NO_XDEV;
    /** Refuse /proc magic links. */
    public static final long RESOLVE_NO_MAGICLINKS = OpenHowLayout.RESOLVE_NO_MAGICLINKS;
    /** Refuse every symlink. */
    public static final long RESOLVE_NO_SYMLINKS = OpenHowLayout.RESOLVE_NO_SYMLINKS;
    /** Refuse any path that leaves the directory fd ({@code ..}, absolute paths, escaping symlinks). */
    public static final long RESOLVE_BENEATH = OpenHowLayout.RESOLVE_BENEATH;
    /** Treat the directory fd as the root. */
    public static final long RESOLVE_IN_ROOT = OpenHowLayout.RESOLVE_IN_ROOT;
    /** Only succeed from the dentry cache (no blocking lookup). */
    public static final long RESOLVE_CACHED = OpenHowLayout.RESOLVE_CACHED;

    private OpenHow() {
    }

    /** Allocates an open_how in {@code arena}. */
    public static MemorySegment allocate(Arena arena, int openFlags, int mode, long resolve) {
        if (mode < 0 || mode > 07777) {
            throw new IllegalArgumentException("mode must be 0..07777, got 0" + Integer.toOctalString(mode));
        }
        if ((resolve & ~0x3fL) != 0) {
            throw new IllegalArgumentException("unknown RESOLVE_* bits 0x" + Long.toHexString(resolve & ~0x3fL));
        }
        MemorySegment how = arena.allocate(OpenHowLayout.SIZE, 8);
        OpenHowLayout.set(how, Integer.toUnsignedLong(openFlags), mode, resolve);
        return how;
    }
}
