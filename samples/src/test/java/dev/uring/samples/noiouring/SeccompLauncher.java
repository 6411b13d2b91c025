package dev.uring.samples.noiouring;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.Arrays;

/**
 * {@code SeccompLauncher MainClass args...}: installs a seccomp filter on this JVM's main thread that
 * fails io_uring_setup with EPERM, as container runtimes' default profiles do, then runs
 * {@code MainClass}; every thread the application starts afterwards inherits the filter. The
 * kernel's own seccomp (PR_SET_SECCOMP), nothing mocked. Test scaffolding: the two prctl calls are
 * made here with FFM so that the test needs no C compiler.
 */
public final class SeccompLauncher {
    private static final int PR_SET_NO_NEW_PRIVS = 38;
    private static final int PR_SET_SECCOMP = 22;
    private static final int SECCOMP_MODE_FILTER = 2;
    private static final int AUDIT_ARCH_X86_64 = 0xC000003E;
    private static final int AUDIT_ARCH_AARCH64 = 0xC00000B7;
    private static final int NR_IO_URING_SETUP = 425; // the same number on every architecture
    private static final int SECCOMP_RET_ALLOW = 0x7FFF0000;
    private static final int SECCOMP_RET_ERRNO = 0x00050000;
    private static final int EPERM = 1;
    private static final int BPF_LD_W_ABS = 0x20;
    private static final int BPF_JEQ_K = 0x15;
    private static final int BPF_RET_K = 0x06;

    private SeccompLauncher() {
    }

    /** Installs the filter, then calls {@code args[0]}'s main with the other arguments. */
    public static void main(String[] args) throws Throwable {
        installFilter();
        Class<?> main = Class.forName(args[0]);
        main.getMethod("main", String[].class).invoke(null, (Object) Arrays.copyOfRange(args, 1, args.length));
    }

    private static void installFilter() throws Throwable {
        int[][] prog = {
            {BPF_LD_W_ABS, 0, 0, 4}, // seccomp_data.arch
            {BPF_JEQ_K, 1, 0, AUDIT_ARCH_X86_64},
            {BPF_JEQ_K, 0, 3, AUDIT_ARCH_AARCH64},
            {BPF_LD_W_ABS, 0, 0, 0}, // seccomp_data.nr
            {BPF_JEQ_K, 0, 1, NR_IO_URING_SETUP},
            {BPF_RET_K, 0, 0, SECCOMP_RET_ERRNO | EPERM},
            {BPF_RET_K, 0, 0, SECCOMP_RET_ALLOW},
        };
        Linker linker = Linker.nativeLinker();
        MethodHandle prctl = linker.downcallHandle(linker.defaultLookup().find("prctl").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG,
                        ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG),
                Linker.Option.firstVariadicArg(1));
        if ((int) prctl.invokeExact(PR_SET_NO_NEW_PRIVS, 1L, 0L, 0L, 0L) != 0) {
            throw new IllegalStateException("prctl(PR_SET_NO_NEW_PRIVS) failed");
        }
        try (Arena a = Arena.ofConfined()) {
            MemorySegment filter = a.allocate(8L * prog.length, 8);
            for (int i = 0; i < prog.length; i++) {
                filter.set(ValueLayout.JAVA_SHORT, 8L * i, (short) prog[i][0]);
                filter.set(ValueLayout.JAVA_BYTE, 8L * i + 2, (byte) prog[i][1]);
                filter.set(ValueLayout.JAVA_BYTE, 8L * i + 3, (byte) prog[i][2]);
                filter.set(ValueLayout.JAVA_INT, 8L * i + 4, prog[i][3]);
            }
            MemorySegment fprog = a.allocate(16, 8); // struct sock_fprog {u16 len; sock_filter *filter}
            fprog.set(ValueLayout.JAVA_SHORT, 0, (short) prog.length);
            fprog.set(ValueLayout.JAVA_LONG, 8, filter.address());
            if ((int) prctl.invokeExact(PR_SET_SECCOMP, (long) SECCOMP_MODE_FILTER, fprog.address(), 0L, 0L) != 0) {
                throw new IllegalStateException("prctl(PR_SET_SECCOMP) failed");
            }
        }
        System.out.println("seccomp filter installed: io_uring_setup fails with EPERM");
    }
}
