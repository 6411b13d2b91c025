package dev.uring.core.ffi;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * The downcalls into libc, each returning the call's result or {@code -errno} on failure, so that
 * callers never read errno themselves. The io_uring syscalls go through the variadic
 * {@code syscall(2)} wrapper, since libc has no io_uring functions.
 */
public final class Native {
    /** x86-64 and aarch64 share these numbers (the io_uring syscalls came after the unified table). */
    static final long SYS_IO_URING_SETUP = 425;
    static final long SYS_IO_URING_ENTER = 426;
    static final long SYS_IO_URING_REGISTER = 427;

    public static final int PROT_READ = 0x1;
    public static final int PROT_WRITE = 0x2;
    public static final int MAP_SHARED = 0x01;
    public static final int MAP_POPULATE = 0x8000;
    public static final int EFD_CLOEXEC = 0x80000;
    public static final int EFD_NONBLOCK = 0x800;
    public static final int PR_SET_NO_NEW_PRIVS = 38;
    public static final int PR_GET_NO_NEW_PRIVS = 39;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CAPTURE_LAYOUT = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO =
            CAPTURE_LAYOUT.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final Linker.Option CAPTURE_ERRNO = Linker.Option.captureCallState("errno");

    // syscall(long nr, ...) with every argument passed as a long
    private static final MethodHandle SYSCALL6 = downcall("syscall",
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG),
            CAPTURE_ERRNO, Linker.Option.firstVariadicArg(1));
    private static final MethodHandle MMAP = downcall("mmap",
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG),
            CAPTURE_ERRNO);
    private static final MethodHandle MUNMAP = downcall("munmap",
            FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG), CAPTURE_ERRNO);
    private static final MethodHandle CLOSE = downcall("close",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT), CAPTURE_ERRNO);
    private static final MethodHandle EVENTFD = downcall("eventfd",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT), CAPTURE_ERRNO);
    private static final MethodHandle WRITE = downcall("write",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG), CAPTURE_ERRNO);
    private static final MethodHandle PRCTL = downcall("prctl",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG),
            CAPTURE_ERRNO, Linker.Option.firstVariadicArg(1));
    private static final MethodHandle DUP = downcall("dup",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT), CAPTURE_ERRNO);

    /** One capture buffer per thread: errno is per thread, and a call must not allocate. */
    private static final ThreadLocal<MemorySegment> CALL_STATE =
            ThreadLocal.withInitial(() -> Arena.global().allocate(CAPTURE_LAYOUT));

    /** Eight bytes holding the value 1, written to an eventfd to wake its reader. */
    private static final MemorySegment ONE = initOne();

    private Native() {
    }

    private static MemorySegment initOne() {
        MemorySegment one = Arena.global().allocate(JAVA_LONG);
        one.set(JAVA_LONG, 0, 1L);
        return one;
    }

    private static MethodHandle downcall(String name, FunctionDescriptor fd, Linker.Option... options) {
        MemorySegment symbol = LINKER.defaultLookup().find(name)
                .orElseThrow(() -> new UnsatisfiedLinkError("libc has no symbol " + name));
        return LINKER.downcallHandle(symbol, fd, options);
    }

    private static int errno(MemorySegment state) {
        return (int) ERRNO.get(state, 0L);
    }

    /** io_uring_setup(2): the ring fd, or -errno. */
    public static int ioUringSetup(int entries, MemorySegment params) {
        MemorySegment state = CALL_STATE.get();
        try {
            long r = (long) SYSCALL6.invokeExact(state, SYS_IO_URING_SETUP, (long) entries, params.address(), 0L, 0L, 0L, 0L);
            return r < 0 ? -errno(state) : (int) r;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** io_uring_enter(2): the number of SQEs consumed, or -errno. */
    public static int ioUringEnter(int fd, int toSubmit, int minComplete, int flags, long arg, long argSize) {
        MemorySegment state = CALL_STATE.get();
        try {
            long r = (long) SYSCALL6.invokeExact(state, SYS_IO_URING_ENTER, (long) fd, (long) toSubmit,
                    (long) minComplete, (long) flags, arg, argSize);
            return r < 0 ? -errno(state) : (int) r;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** io_uring_register(2): the call's non-negative result, or -errno. */
    public static int ioUringRegister(int fd, int opcode, long arg, int nrArgs) {
        MemorySegment state = CALL_STATE.get();
        try {
            long r = (long) SYSCALL6.invokeExact(state, SYS_IO_URING_REGISTER, (long) fd, (long) opcode, arg,
                    (long) nrArgs, 0L, 0L);
            return r < 0 ? -errno(state) : (int) r;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** mmap(2) of a shared mapping of {@code fd}: the address, or -errno. */
    public static long mmap(long length, int prot, int flags, int fd, long offset) {
        MemorySegment state = CALL_STATE.get();
        try {
            long r = (long) MMAP.invokeExact(state, 0L, length, prot, flags, fd, offset);
            return r == -1L ? -errno(state) : r;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** munmap(2): 0, or -errno. */
    public static int munmap(long address, long length) {
        MemorySegment state = CALL_STATE.get();
        try {
            int r = (int) MUNMAP.invokeExact(state, address, length);
            return r < 0 ? -errno(state) : r;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** close(2): 0, or -errno. */
    public static int close(int fd) {
        MemorySegment state = CALL_STATE.get();
        try {
            int r = (int) CLOSE.invokeExact(state, fd);
            return r < 0 ? -errno(state) : r;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** dup(2): the new fd, or -errno. */
    public static int dup(int fd) {
        MemorySegment state = CALL_STATE.get();
        try {
            int r = (int) DUP.invokeExact(state, fd);
            return r < 0 ? -errno(state) : r;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** eventfd(2): the fd, or -errno. */
    public static int eventfd(int initval, int flags) {
        MemorySegment state = CALL_STATE.get();
        try {
            int r = (int) EVENTFD.invokeExact(state, initval, flags);
            return r < 0 ? -errno(state) : r;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Adds one to an eventfd's counter: 0, or -errno. */
    public static int eventfdSignal(int fd) {
        MemorySegment state = CALL_STATE.get();
        try {
            long r = (long) WRITE.invokeExact(state, fd, ONE, 8L);
            return r < 0 ? -errno(state) : 0;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** prctl(2) with up to four arguments: the result, or -errno. */
    public static int prctl(int option, long a2, long a3, long a4, long a5) {
        MemorySegment state = CALL_STATE.get();
        try {
            int r = (int) PRCTL.invokeExact(state, option, a2, a3, a4, a5);
            return r < 0 ? -errno(state) : r;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException re) {
            throw re;
        }
        if (t instanceof Error e) {
            throw e;
        }
        throw new IllegalStateException("native call failed", t);
    }

    // ------------------------------------------------------------------ sockets (the TCP transport)

    private static final MethodHandle SETSOCKOPT = downcall("setsockopt",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT), CAPTURE_ERRNO);
    private static final MethodHandle GETSOCKOPT = downcall("getsockopt",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS), CAPTURE_ERRNO);
    private static final MethodHandle GETSOCKNAME = downcall("getsockname",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS), CAPTURE_ERRNO);
    private static final MethodHandle GETPEERNAME = downcall("getpeername",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS), CAPTURE_ERRNO);

    private static final MethodHandle BIND = downcall("bind",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT), CAPTURE_ERRNO);
    private static final MethodHandle LISTEN = downcall("listen",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT), CAPTURE_ERRNO);
    private static final MethodHandle FTRUNCATE = downcall("ftruncate",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG), CAPTURE_ERRNO);
    /**
     * preadv2(2) as a critical call: it never blocks when given RWF_NOWAIT, and being critical it may
     * take its iovec and errno in heap arrays, so a call allocates no native memory on any thread.
     */
    private static final MethodHandle PREADV2 = downcall("preadv2",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT, JAVA_LONG, JAVA_INT), CAPTURE_ERRNO,
            Linker.Option.critical(true));

    /** preadv2(2)'s flag: return EAGAIN rather than wait for data not in the page cache. */
    public static final int RWF_NOWAIT = 0x8;

    /** bind(2) to the sockaddr in {@code addr} (its byteSize is addrlen): 0, or -errno. */
    public static int bind(int fd, MemorySegment addr) {
        MemorySegment state = CALL_STATE.get();
        try {
            int r = (int) BIND.invokeExact(state, fd, addr, (int) addr.byteSize());
            return r < 0 ? -errno(state) : r;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** listen(2): 0, or -errno. */
    public static int listen(int fd, int backlog) {
        MemorySegment state = CALL_STATE.get();
        try {
            int r = (int) LISTEN.invokeExact(state, fd, backlog);
            return r < 0 ? -errno(state) : r;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** ftruncate(2), which may block on the file system: 0, or -errno. */
    public static int ftruncate(int fd, long length) {
        MemorySegment state = CALL_STATE.get();
        try {
            int r = (int) FTRUNCATE.invokeExact(state, fd, length);
            return r < 0 ? -errno(state) : r;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * preadv2(2) of {@code len} bytes at native address {@code base} from {@code offset} with
     * {@code flags}; only with RWF_NOWAIT, which keeps the critical call from blocking: the bytes
     * read, or -errno.
     */
    public static long preadv2(int fd, long base, long len, long offset, int flags) {
        if ((flags & RWF_NOWAIT) == 0) {
            throw new IllegalArgumentException("preadv2 is a critical call here: RWF_NOWAIT is required");
        }
        long[] iov = {base, len};
        int[] errno = new int[1];
        try {
            long r = (long) PREADV2.invokeExact(MemorySegment.ofArray(errno), fd, MemorySegment.ofArray(iov), 1,
                    offset, flags);
            return r < 0 ? -errno[0] : r;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** setsockopt(2) with the option value in {@code value} (its byteSize is optlen): 0, or -errno. */
    public static int setsockopt(int fd, int level, int name, MemorySegment value) {
        MemorySegment state = CALL_STATE.get();
        try {
            int r = (int) SETSOCKOPT.invokeExact(state, fd, level, name, value, (int) value.byteSize());
            return r < 0 ? -errno(state) : r;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** getsockopt(2) into {@code value}, {@code length} (an int) in: its size, out: the bytes written; 0, or -errno. */
    public static int getsockopt(int fd, int level, int name, MemorySegment value, MemorySegment length) {
        MemorySegment state = CALL_STATE.get();
        try {
            int r = (int) GETSOCKOPT.invokeExact(state, fd, level, name, value, length);
            return r < 0 ? -errno(state) : r;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** getsockname(2) into {@code addr}, {@code length} (an int) in: its size, out: the address size; 0, or -errno. */
    public static int getsockname(int fd, MemorySegment addr, MemorySegment length) {
        MemorySegment state = CALL_STATE.get();
        try {
            int r = (int) GETSOCKNAME.invokeExact(state, fd, addr, length);
            return r < 0 ? -errno(state) : r;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** getpeername(2), as {@link #getsockname}: 0, or -errno. */
    public static int getpeername(int fd, MemorySegment addr, MemorySegment length) {
        MemorySegment state = CALL_STATE.get();
        try {
            int r = (int) GETPEERNAME.invokeExact(state, fd, addr, length);
            return r < 0 ? -errno(state) : r;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }
}
