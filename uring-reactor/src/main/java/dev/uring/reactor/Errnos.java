package dev.uring.reactor;

/**
 * The few errno values this module branches on (the same on every Linux architecture); the core's
 * errno table lives in its non-exported ffi package.
 */
final class Errnos {
    static final int ENOENT = 2;
    static final int ENOMEM = 12;
    static final int EACCES = 13;
    static final int EISDIR = 21;
    static final int ENFILE = 23;
    static final int EMFILE = 24;
    static final int EPIPE = 32;
    static final int ETIME = 62;
    static final int EADDRINUSE = 98;
    static final int ECONNRESET = 104;
    static final int ENOBUFS = 105;
    static final int EOPNOTSUPP = 95;
    static final int ECONNREFUSED = 111;
    static final int EMSGSIZE = 90;
    static final int ECANCELED = 125;

    private Errnos() {
    }
}
