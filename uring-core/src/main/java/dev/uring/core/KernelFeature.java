package dev.uring.core;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The io_uring features that reactive-uring uses or offers and that a supported kernel (Linux 6.1
 * and newer) may lack, each with the release that added it and a probe of the running kernel.
 * Probes ask the kernel (IORING_REGISTER_PROBE, a setup or restriction it accepts or refuses, a
 * scratch op's result), never its version string, so backports count. Each answer is computed once.
 *
 * <p>Where the framework has a fallback, the constant's Javadoc says what it does without the feature.
 */
public enum KernelFeature {
    /** {@code IORING_TIMEOUT_MULTISHOT}: one TIMEOUT that fires repeatedly. Without it ticks re-arm a TIMEOUT per tick. */
    MULTISHOT_TIMEOUT("IORING_TIMEOUT_MULTISHOT", "6.4"),
    /** {@code IORING_SETUP_NO_SQARRAY}: rings without the SQ index array. Only used when asked for. */
    NO_SQARRAY("IORING_SETUP_NO_SQARRAY", "6.6"),
    /** The {@code kernel.io_uring_disabled} sysctl. Without it io_uring is always enabled. */
    IO_URING_DISABLED_SYSCTL("the kernel.io_uring_disabled sysctl", "6.6"),
    /** {@code IORING_OP_FIXED_FD_INSTALL}: a regular fd for a fixed-file slot. */
    FIXED_FD_INSTALL("IORING_OP_FIXED_FD_INSTALL", "6.8"),
    /** {@code IORING_REGISTER_PBUF_STATUS}: a provided buffer ring's head. */
    PBUF_STATUS("IORING_REGISTER_PBUF_STATUS", "6.8"),
    /** {@code IORING_OP_FTRUNCATE}. Without it a file's size is set by ftruncate(2) off the loop threads. */
    FTRUNCATE("IORING_OP_FTRUNCATE", "6.9"),
    /** {@code IORING_OP_BIND}. Without it sockets are bound by bind(2), which does not block. */
    BIND("IORING_OP_BIND", "6.11"),
    /** {@code IORING_OP_LISTEN}. Without it sockets listen by listen(2), which does not block. */
    LISTEN("IORING_OP_LISTEN", "6.11"),
    /** {@code IORING_REGISTER_CLONE_BUFFERS}: one ring's registered buffers on another. */
    CLONE_BUFFERS("IORING_REGISTER_CLONE_BUFFERS", "6.12"),
    /** {@code IORING_REGISTER_QUERY}: what the kernel knows, asked without a ring. */
    REGISTER_QUERY("IORING_REGISTER_QUERY", "6.18"),
    /** Task-level io_uring restrictions and cBPF filters (ring fd -1). Without them policies restrict each ring. */
    TASK_RESTRICTIONS("task-level io_uring restrictions and BPF filters", "7.0");

    private final String kernelName;
    private final String since;
    private volatile int state; // 0 unknown, 1 present, 2 absent

    KernelFeature(String kernelName, String since) {
        this.kernelName = kernelName;
        this.since = since;
    }

    /** What the kernel calls the feature, e.g. {@code IORING_OP_BIND}. */
    public String kernelName() {
        return kernelName;
    }

    /** The Linux release that added it, e.g. {@code "6.11"}. */
    public String since() {
        return since;
    }

    /** Whether the running kernel has it (probed once, then remembered). */
    public boolean isAvailable() {
        int s = state;
        if (s == 0) {
            s = probe() ? 1 : 2;
            state = s;
        }
        return s == 1;
    }

    /**
     * Says that the running kernel lacks the feature, naming it and the release that has it, e.g.
     * "IORING_OP_BIND needs Linux 6.11 or newer; this kernel is 6.1.0-57-amd64".
     */
    public String missing() {
        return kernelName + " needs Linux " + since + " or newer; this kernel is " + KernelFeature.release();
    }

    /**
     * Checks that the running kernel has the feature.
     *
     * @throws UnsupportedOperationException with {@link #missing()} otherwise
     */
    public void require() {
        if (!isAvailable()) {
            throw new UnsupportedOperationException(missing());
        }
    }

    /** The running kernel's release, as uname -r says it. */
    public static String release() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/osrelease")).trim();
        } catch (IOException | RuntimeException e) {
            return System.getProperty("os.version", "unknown");
        }
    }

    private boolean probe() {
        try {
            return switch (this) {
                case MULTISHOT_TIMEOUT -> KernelProbes.multishotTimeout();
                case NO_SQARRAY -> KernelProbes.setupFlagAccepted(SetupFlags.NO_SQARRAY);
                case IO_URING_DISABLED_SYSCTL -> Files.exists(Path.of("/proc/sys/kernel/io_uring_disabled"));
                case FIXED_FD_INSTALL -> IoUring.probe().isSupported(Opcode.FIXED_FD_INSTALL);
                case PBUF_STATUS -> IoUring.registerOpCount() > RegisterOp.PBUF_STATUS.code();
                case FTRUNCATE -> IoUring.probe().isSupported(Opcode.FTRUNCATE);
                case BIND -> IoUring.probe().isSupported(Opcode.BIND);
                case LISTEN -> IoUring.probe().isSupported(Opcode.LISTEN);
                case CLONE_BUFFERS -> IoUring.registerOpCount() > RegisterOp.CLONE_BUFFERS.code();
                case REGISTER_QUERY -> IoUring.query().isPresent();
                case TASK_RESTRICTIONS -> TaskRestrictions.taskRestrictionsSupported();
            };
        } catch (IOException | RuntimeException e) {
            return false; // no ring at all: nothing is available
        }
    }
}
