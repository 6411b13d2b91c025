package dev.uring.core.ffi;

/** Linux errno numbers (x86-64/aarch64 generic) with their symbolic names and strerror texts. */
public final class Errno {
    public static final int EPERM = 1;
    public static final int ENOENT = 2;
    public static final int EINTR = 4;
    public static final int EIO = 5;
    public static final int ENXIO = 6;
    public static final int EBADF = 9;
    public static final int EAGAIN = 11;
    public static final int ENOMEM = 12;
    public static final int EACCES = 13;
    public static final int EFAULT = 14;
    public static final int EBUSY = 16;
    public static final int EEXIST = 17;
    public static final int EXDEV = 18;
    public static final int ENOTDIR = 20;
    public static final int EISDIR = 21;
    public static final int EINVAL = 22;
    public static final int ENFILE = 23;
    public static final int EMFILE = 24;
    public static final int EFBIG = 27;
    public static final int ENOSPC = 28;
    public static final int ESPIPE = 29;
    public static final int EROFS = 30;
    public static final int EPIPE = 32;
    public static final int ENAMETOOLONG = 36;
    public static final int ENOSYS = 38;
    public static final int ENOTEMPTY = 39;
    public static final int ELOOP = 40;
    public static final int ETIME = 62;
    public static final int EOVERFLOW = 75;
    public static final int EBADFD = 77;
    public static final int ENOTSOCK = 88;
    public static final int EOPNOTSUPP = 95;
    public static final int EAFNOSUPPORT = 97;
    public static final int EADDRINUSE = 98;
    public static final int EADDRNOTAVAIL = 99;
    public static final int ENETUNREACH = 101;
    public static final int ECONNABORTED = 103;
    public static final int ECONNRESET = 104;
    public static final int ENOBUFS = 105;
    public static final int ENOTCONN = 107;
    public static final int ETIMEDOUT = 110;
    public static final int ECONNREFUSED = 111;
    public static final int EHOSTUNREACH = 113;
    public static final int EALREADY = 114;
    public static final int EINPROGRESS = 115;
    public static final int ECANCELED = 125;

    private static final String[][] NAMES = new String[134][];

    static {
        def(1, "EPERM", "Operation not permitted");
        def(2, "ENOENT", "No such file or directory");
        def(3, "ESRCH", "No such process");
        def(4, "EINTR", "Interrupted system call");
        def(5, "EIO", "Input/output error");
        def(6, "ENXIO", "No such device or address");
        def(7, "E2BIG", "Argument list too long");
        def(8, "ENOEXEC", "Exec format error");
        def(9, "EBADF", "Bad file descriptor");
        def(10, "ECHILD", "No child processes");
        def(11, "EAGAIN", "Resource temporarily unavailable");
        def(12, "ENOMEM", "Cannot allocate memory");
        def(13, "EACCES", "Permission denied");
        def(14, "EFAULT", "Bad address");
        def(15, "ENOTBLK", "Block device required");
        def(16, "EBUSY", "Device or resource busy");
        def(17, "EEXIST", "File exists");
        def(18, "EXDEV", "Invalid cross-device link");
        def(19, "ENODEV", "No such device");
        def(20, "ENOTDIR", "Not a directory");
        def(21, "EISDIR", "Is a directory");
        def(22, "EINVAL", "Invalid argument");
        def(23, "ENFILE", "Too many open files in system");
        def(24, "EMFILE", "Too many open files");
        def(25, "ENOTTY", "Inappropriate ioctl for device");
        def(26, "ETXTBSY", "Text file busy");
        def(27, "EFBIG", "File too large");
        def(28, "ENOSPC", "No space left on device");
        def(29, "ESPIPE", "Illegal seek");
        def(30, "EROFS", "Read-only file system");
        def(31, "EMLINK", "Too many links");
        def(32, "EPIPE", "Broken pipe");
        def(33, "EDOM", "Numerical argument out of domain");
        def(34, "ERANGE", "Numerical result out of range");
        def(35, "EDEADLK", "Resource deadlock avoided");
        def(36, "ENAMETOOLONG", "File name too long");
        def(37, "ENOLCK", "No locks available");
        def(38, "ENOSYS", "Function not implemented");
        def(39, "ENOTEMPTY", "Directory not empty");
        def(40, "ELOOP", "Too many levels of symbolic links");
        def(61, "ENODATA", "No data available");
        def(62, "ETIME", "Timer expired");
        def(71, "EPROTO", "Protocol error");
        def(75, "EOVERFLOW", "Value too large for defined data type");
        def(77, "EBADFD", "File descriptor in bad state");
        def(88, "ENOTSOCK", "Socket operation on non-socket");
        def(89, "EDESTADDRREQ", "Destination address required");
        def(90, "EMSGSIZE", "Message too long");
        def(91, "EPROTOTYPE", "Protocol wrong type for socket");
        def(92, "ENOPROTOOPT", "Protocol not available");
        def(93, "EPROTONOSUPPORT", "Protocol not supported");
        def(94, "ESOCKTNOSUPPORT", "Socket type not supported");
        def(95, "EOPNOTSUPP", "Operation not supported");
        def(97, "EAFNOSUPPORT", "Address family not supported by protocol");
        def(98, "EADDRINUSE", "Address already in use");
        def(99, "EADDRNOTAVAIL", "Cannot assign requested address");
        def(100, "ENETDOWN", "Network is down");
        def(101, "ENETUNREACH", "Network is unreachable");
        def(103, "ECONNABORTED", "Software caused connection abort");
        def(104, "ECONNRESET", "Connection reset by peer");
        def(105, "ENOBUFS", "No buffer space available");
        def(106, "EISCONN", "Transport endpoint is already connected");
        def(107, "ENOTCONN", "Transport endpoint is not connected");
        def(108, "ESHUTDOWN", "Cannot send after transport endpoint shutdown");
        def(110, "ETIMEDOUT", "Connection timed out");
        def(111, "ECONNREFUSED", "Connection refused");
        def(112, "EHOSTDOWN", "Host is down");
        def(113, "EHOSTUNREACH", "No route to host");
        def(114, "EALREADY", "Operation already in progress");
        def(115, "EINPROGRESS", "Operation now in progress");
        def(122, "EDQUOT", "Disk quota exceeded");
        def(125, "ECANCELED", "Operation canceled");
    }

    private Errno() {
    }

    private static void def(int errno, String name, String text) {
        NAMES[errno] = new String[] {name, text};
    }

    /** The symbolic name, e.g. {@code EINVAL}, or {@code errno N} when unknown. */
    public static String name(int errno) {
        int e = Math.abs(errno);
        return e < NAMES.length && NAMES[e] != null ? NAMES[e][0] : "errno " + e;
    }

    /** The strerror text, e.g. {@code Invalid argument}. */
    public static String text(int errno) {
        int e = Math.abs(errno);
        return e < NAMES.length && NAMES[e] != null ? NAMES[e][1] : "Unknown error " + e;
    }
}
