package dev.uring.core;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.uring.core.ffi.Errno;
import dev.uring.core.ffi.IoUringQueryLayout;
import dev.uring.core.ffi.Native;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Whether io_uring can be used in this process, and if not, why: the {@code kernel.io_uring_disabled}
 * sysctl, a seccomp or container refusal, a memlock limit or an old kernel, each named with what to do.
 */
public final class IoUring {
    private static final @Nullable Throwable CAUSE = check();
    private static volatile @Nullable Probe probe;
    private static volatile int registerOpCount;

    private IoUring() {
    }

    private static @Nullable Throwable check() {
        try (Ring ring = Ring.open(RingOptions.defaults().entries(2).setupHooks(false))) {
            return null;
        } catch (Throwable t) {
            return t;
        }
    }

    /** Whether a ring could be created when this class was initialized. */
    public static boolean isAvailable() {
        return CAUSE == null;
    }

    /** Why io_uring is unusable, with what to do about it; null when it is usable. */
    public static @Nullable Throwable unavailabilityCause() {
        return CAUSE;
    }

    /**
     * Throws the reason io_uring is unusable, if it is.
     *
     * @throws IOException naming the cause (sysctl, seccomp, memlock, kernel)
     */
    public static void ensureAvailable() throws IOException {
        Throwable c = CAUSE;
        if (c instanceof IOException io) {
            throw new IOException(io.getMessage(), io);
        }
        if (c != null) {
            throw new IOException("io_uring is unavailable: " + c, c);
        }
    }

    /** The ops and features of the running kernel, probed once on a scratch ring. */
    public static Probe probe() throws IOException {
        Probe p = probe;
        if (p == null) {
            try (Ring ring = Ring.open(RingOptions.defaults().entries(2).setupHooks(false))) {
                p = ring.probe();
            }
            probe = p;
        }
        return p;
    }

    /**
     * The number of io_uring_register opcodes the running kernel knows (its IORING_REGISTER_LAST):
     * from IORING_REGISTER_QUERY where the kernel has it (6.18), else found by which restriction
     * entries a scratch ring accepts. Computed once.
     */
    public static int registerOpCount() throws IOException {
        int n = registerOpCount;
        if (n == 0) {
            Optional<QueryResult> q = query();
            n = q.isPresent() ? q.get().registerOpcodes() : KernelProbes.registerOpCount();
            registerOpCount = n;
        }
        return n;
    }

    /**
     * What IORING_REGISTER_QUERY (Linux 6.18+) reports about the kernel's opcodes, or empty on
     * kernels without it.
     */
    public static Optional<QueryResult> query() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment hdr = a.allocate(IoUringQueryLayout.HDR_SIZE, 8);
            MemorySegment data = a.allocate(IoUringQueryLayout.OPCODE_SIZE, 8);
            hdr.set(JAVA_LONG, 8, data.address());
            hdr.set(JAVA_INT, 16, IoUringQueryLayout.IO_URING_QUERY_OPCODES);
            hdr.set(JAVA_INT, 20, (int) IoUringQueryLayout.OPCODE_SIZE);
            int r = Native.ioUringRegister(-1, RegisterOp.QUERY.code(), hdr.address(), 0);
            if (r < 0 || hdr.get(JAVA_INT, 24) < 0) {
                return Optional.empty();
            }
            return Optional.of(new QueryResult(data.get(JAVA_INT, 0), data.get(JAVA_INT, 4), data.get(JAVA_LONG, 8),
                    data.get(JAVA_LONG, 16), data.get(JAVA_LONG, 24), data.get(JAVA_LONG, 32)));
        }
    }

    /**
     * The kernel's answer to IORING_REGISTER_QUERY's opcode query.
     *
     * @param requestOpcodes the number of SQE opcodes known
     * @param registerOpcodes the number of register opcodes known
     * @param featureFlags the {@code IORING_FEAT_*} bits
     * @param setupFlags the setup flags known
     * @param enterFlags the enter flags known
     * @param sqeFlags the SQE flags known
     */
    public record QueryResult(int requestOpcodes, int registerOpcodes, long featureFlags, long setupFlags,
            long enterFlags, long sqeFlags) {
    }

    // ------------------------------------------------------------------ diagnosis

    static IOException setupFailure(int errno, RingOptions options) {
        String diagnosis = diagnose(errno, options);
        return new UringException(errno, "io_uring_setup", null, "io_uring_setup failed: " + Errno.name(errno) + " ("
                + Errno.text(errno) + "): " + diagnosis);
    }

    static String diagnose(int errno, RingOptions options) {
        String sysctl = read("/proc/sys/kernel/io_uring_disabled");
        String seccomp = statusField("Seccomp");
        switch (errno) {
            case Errno.EPERM, Errno.EACCES -> {
                if ("2".equals(sysctl)) {
                    return "io_uring is disabled system-wide by the sysctl kernel.io_uring_disabled=2; "
                            + "set it to 0 (sysctl -w kernel.io_uring_disabled=0) to use reactive-uring";
                }
                if ("1".equals(sysctl)) {
                    return "io_uring is restricted by the sysctl kernel.io_uring_disabled=1 to CAP_SYS_ADMIN and the group "
                            + "in kernel.io_uring_group (" + read("/proc/sys/kernel/io_uring_group")
                            + "); add this user to that group or set the sysctl to 0";
                }
                if (seccomp != null && !"0".equals(seccomp)) {
                    return "a seccomp filter refused io_uring_setup (Seccomp: " + seccomp + " in /proc/self/status): "
                            + "container runtimes block io_uring by default; allow io_uring_setup, io_uring_enter and "
                            + "io_uring_register in the seccomp profile";
                }
                return "permission denied by the kernel or a security module (SELinux/AppArmor) without a sysctl or "
                        + "seccomp cause visible to this process";
            }
            case Errno.ENOSYS -> {
                if (seccomp != null && !"0".equals(seccomp)) {
                    return "io_uring_setup is not available: a seccomp filter (Seccomp: " + seccomp
                            + ") answers ENOSYS, as container runtimes do by default; allow the io_uring syscalls";
                }
                return "this kernel has no io_uring (built without CONFIG_IO_URING, or older than Linux 5.1)";
            }
            case Errno.ENOMEM -> {
                return memlockAdvice();
            }
            case Errno.EINVAL -> {
                String refused = refusedFlags(options.flags());
                if (!refused.isEmpty()) {
                    return "the running kernel " + KernelFeature.release() + " refuses setup flag " + refused
                            + "; leave it out on this kernel";
                }
                return "the kernel refused setup flags " + SetupFlags.names(options.flags()) + " or sizes (entries "
                        + options.entries() + ", cq " + options.cqEntries() + "); the running kernel "
                        + KernelFeature.release() + " may not know one of these flags";
            }
            case Errno.EMFILE, Errno.ENFILE -> {
                return "out of file descriptors (raise RLIMIT_NOFILE: ulimit -n)";
            }
            default -> {
                return "unexpected error from the kernel";
            }
        }
    }

    /**
     * The setup flags of {@code flags} without which a scratch ring is set up, each with the release
     * that added it where that is after 6.1: the flags this kernel does not know. Empty when leaving
     * out any one flag does not help (sizes, or flags that need each other).
     */
    static String refusedFlags(int flags) {
        List<String> out = new java.util.ArrayList<>();
        if (KernelProbes.setupFlagAccepted(flags & ~SetupFlags.ATTACH_WQ)) {
            return ""; // the flags are fine together: the sizes were refused
        }
        for (int bit = 1; bit != 0 && bit <= flags; bit <<= 1) {
            if ((flags & bit) != 0 && (bit & (SetupFlags.R_DISABLED | SetupFlags.ATTACH_WQ)) == 0
                    && KernelProbes.setupFlagAccepted(flags & ~bit & ~SetupFlags.ATTACH_WQ)) {
                out.add(SetupFlags.names(bit).get(0)
                        + (bit == SetupFlags.NO_SQARRAY ? " (" + KernelFeature.NO_SQARRAY.missing() + ")" : ""));
            }
        }
        return String.join(", ", out);
    }

    /** Says what the memlock limit is and how to raise it. */
    static String memlockAdvice() {
        String limit = limitsLine("Max locked memory");
        return "out of locked memory: io_uring rings and registered buffers are charged to RLIMIT_MEMLOCK on "
                + "kernels before 5.12 and registered buffers always are (" + (limit == null ? "limit unknown" : limit.trim())
                + "); raise it with ulimit -l, LimitMEMLOCK= in systemd or --ulimit memlock= in containers";
    }

    private static @Nullable String read(String path) {
        try {
            return Files.readString(Path.of(path)).trim();
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static @Nullable String statusField(String name) {
        try {
            List<String> lines = Files.readAllLines(Path.of("/proc/thread-self/status"));
            for (String l : lines) {
                if (l.startsWith(name + ":")) {
                    return l.substring(name.length() + 1).trim();
                }
            }
        } catch (IOException | RuntimeException e) {
            return null;
        }
        return null;
    }

    private static @Nullable String limitsLine(String name) {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/self/limits"))) {
                if (l.startsWith(name)) {
                    return l.replaceAll("\\s{2,}", " ");
                }
            }
        } catch (IOException | RuntimeException e) {
            return null;
        }
        return null;
    }
}
