package dev.uring.core;

import dev.uring.core.ffi.IoUringConstants;

/** The {@code AT_*} values of the *at(2) ops: a directory fd for the cwd, and flags. */
public final class AtFlags {
    /** Resolve relative paths against the current working directory. */
    public static final int FDCWD = IoUringConstants.AT_FDCWD;
    /** UNLINKAT removes a directory. */
    public static final int REMOVEDIR = IoUringConstants.AT_REMOVEDIR;
    /** Do not follow a final symlink. */
    public static final int SYMLINK_NOFOLLOW = IoUringConstants.AT_SYMLINK_NOFOLLOW;
    /** An empty path names the directory fd itself. */
    public static final int EMPTY_PATH = IoUringConstants.AT_EMPTY_PATH;

    private AtFlags() {
    }
}
