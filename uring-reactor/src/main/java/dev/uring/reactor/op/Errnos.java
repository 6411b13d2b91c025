package dev.uring.reactor.op;

/**
 * The few errno values this module branches on (the same on every Linux architecture); the core's
 * errno table lives in its non-exported ffi package.
 */
public final class Errnos {
    public static final int ENOENT = 2;
    public static final int ENOMEM = 12;
    public static final int EACCES = 13;
    public static final int EISDIR = 21;
    public static final int ENFILE = 23;
    public static final int EMFILE = 24;
    public static final int EPIPE = 32;
    public static final int ETIME = 62;
    public static final int EADDRINUSE = 98;
    public static final int ECONNRESET = 104;
    public static final int ENOBUFS = 105;
    public static final int EOPNOTSUPP = 95;
    public static final int ECONNREFUSED = 111;
    public static final int EMSGSIZE = 90;
    public static final int ECANCELED = 125;

    private Errnos() {
    }
}
