package dev.uring.core.ffi;

/**
 * The setsockopt levels and option names of {@code <sys/socket.h>}, {@code <netinet/tcp.h>} and
 * {@code <netinet/in.h>} (asm-generic values, the same on x86-64 and aarch64), and send/recv flags.
 */
public final class SocketConstants {
    public static final int SOL_SOCKET = 1;
    public static final int IPPROTO_TCP = 6;
    public static final int IPPROTO_IPV6 = 41;

    public static final int SO_REUSEADDR = 2;
    public static final int SO_ERROR = 4;
    public static final int SO_SNDBUF = 7;
    public static final int SO_RCVBUF = 8;
    public static final int SO_KEEPALIVE = 9;
    public static final int SO_REUSEPORT = 15;
    public static final int TCP_NODELAY = 1;
    public static final int IPV6_V6ONLY = 26;

    public static final int SOCK_STREAM = 1;
    public static final int SOCK_NONBLOCK = 0x800;
    public static final int SOCK_CLOEXEC = 0x80000;
    public static final int MSG_NOSIGNAL = 0x4000;

    private SocketConstants() {
    }
}
