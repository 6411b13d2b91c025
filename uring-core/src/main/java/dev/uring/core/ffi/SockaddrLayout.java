package dev.uring.core.ffi;

/**
 * Socket addresses: {@code sockaddr_in} (16 B: family u16 @0, port be16 @2, addr @4),
 * {@code sockaddr_in6} (28 B: family @0, port be16 @2, flowinfo @4, addr[16] @8, scope_id @24),
 * {@code sockaddr_un} (110 B: family @0, path[108] @2), and {@code sockaddr_storage} (128 B).
 */
public final class SockaddrLayout {
    public static final int AF_UNIX = 1;
    public static final int AF_INET = 2;
    public static final int AF_INET6 = 10;
    public static final long IN_SIZE = 16;
    public static final long IN6_SIZE = 28;
    public static final long UN_SIZE = 110;
    public static final long UN_PATH_MAX = 108;
    public static final long STORAGE_SIZE = 128;

    private SockaddrLayout() {
    }
}
