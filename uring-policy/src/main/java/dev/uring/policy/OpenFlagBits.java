package dev.uring.policy;

import dev.uring.core.OpenFlags;

/** The open(2) flag bits the open rule looks at, shared by the Java check and the cBPF compiler. */
final class OpenFlagBits {
    static final int O_ACCMODE = OpenFlags.O_ACCMODE;
    static final int O_TRUNC = OpenFlags.O_TRUNC;
    /** O_CREAT and the O_TMPFILE bit that is not O_DIRECTORY. */
    static final int CREATE_BITS = OpenFlags.O_CREAT | (OpenFlags.O_TMPFILE & ~OpenFlags.O_DIRECTORY);

    private OpenFlagBits() {
    }
}
