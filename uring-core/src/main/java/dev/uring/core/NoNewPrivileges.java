package dev.uring.core;

import dev.uring.core.ffi.Native;

/**
 * The calling thread's no_new_privs bit (prctl PR_SET_NO_NEW_PRIVS). Linux 7.0 accepts task-level
 * io_uring restrictions and BPF filters only from a task with it set or with CAP_SYS_ADMIN, as
 * seccomp does, so that a restricted task cannot confuse a setuid program it executes.
 * The bit is per thread, inherited by threads and processes created afterwards, and cannot be cleared.
 */
public final class NoNewPrivileges {
    private NoNewPrivileges() {
    }

    /** Whether no_new_privs is set on the calling thread. */
    public static boolean isSet() throws UringException {
        int r = Native.prctl(Native.PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0);
        if (r < 0) {
            throw new UringException(-r, "prctl(PR_GET_NO_NEW_PRIVS)", null);
        }
        return r == 1;
    }

    /**
     * Sets no_new_privs on the calling thread; irreversible.
     *
     * @throws UringException when the kernel refuses
     */
    public static void set() throws UringException {
        int r = Native.prctl(Native.PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
        if (r < 0) {
            throw new UringException(-r, "prctl(PR_SET_NO_NEW_PRIVS)", null);
        }
    }
}
