package dev.uring.core.ffi;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.MemorySegment;

/** {@code struct open_how} (24 bytes): flags u64 @0, mode u64 @8, resolve u64 @16. */
public final class OpenHowLayout {
    public static final long SIZE = 24;
    public static final long RESOLVE_NO_XDEV = 0x01;
    public static final long RESOLVE_NO_MAGICLINKS = 0x02;
    public static final long RESOLVE_NO_SYMLINKS = 0x04;
    public static final long RESOLVE_BENEATH = 0x08;
    public static final long RESOLVE_IN_ROOT = 0x10;
    public static final long RESOLVE_CACHED = 0x20;

    private OpenHowLayout() {
    }

    /** Fills an open_how. */
    public static void set(MemorySegment s, long flags, long mode, long resolve) {
        s.set(JAVA_LONG, 0, flags);
        s.set(JAVA_LONG, 8, mode);
        s.set(JAVA_LONG, 16, resolve);
    }
}
