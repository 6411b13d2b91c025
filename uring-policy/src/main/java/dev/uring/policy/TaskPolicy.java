package dev.uring.policy;

import dev.uring.core.CbpfInstruction;
import dev.uring.core.NoNewPrivileges;
import dev.uring.core.Opcode;
import dev.uring.core.TaskRestrictions;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * Layer 3: binds a policy to the calling thread in the kernel itself (Linux 7.0 task-level
 * restrictions and cBPF filters, registered with ring fd -1), so that rings the thread creates
 * afterwards, by any code, native code included, and the tasks it forks carry it. Like seccomp the
 * kernel demands no_new_privs or CAP_SYS_ADMIN; {@link #install(RingPolicy, boolean)} can set
 * no_new_privs first. Irreversible: the thread can only narrow further.
 *
 * <p>On Linux 6.18 this layer does not exist; {@link #isSupported()} says so by behaviour, and
 * {@link #install} throws {@link UnsupportedOperationException}. The per-ring layers
 * ({@link PolicyScope}) apply there.
 */
public final class TaskPolicy {
    private TaskPolicy() {
    }

    /** Whether the running kernel has task-level io_uring restrictions and BPF filters (probed by behaviour). */
    public static boolean isSupported() {
        return TaskRestrictions.taskRestrictionsSupported();
    }

    /**
     * Registers {@code policy}'s restrictions and then its cBPF filters on the calling thread.
     *
     * @param setNoNewPrivs whether to set no_new_privs first (irreversible, and inherited)
     * @throws UnsupportedOperationException on kernels before 7.0
     * @throws java.nio.file.AccessDeniedException without no_new_privs or CAP_SYS_ADMIN
     */
    public static void install(RingPolicy policy, boolean setNoNewPrivs) throws IOException {
        if (!isSupported()) {
            throw new UnsupportedOperationException("task-level io_uring restrictions need Linux 7.0; this kernel "
                    + "refuses IORING_REGISTER_RESTRICTIONS and IORING_REGISTER_BPF_FILTER with ring fd -1 (EINVAL). "
                    + "Use PolicyScope, which restricts each ring.");
        }
        if (setNoNewPrivs && !NoNewPrivileges.isSet()) {
            NoNewPrivileges.set();
        }
        TaskRestrictions.restrictTask(PolicyCustomizer.of(policy).kernelRestrictions());
        for (Map.Entry<Opcode, List<CbpfInstruction>> e : CbpfCompiler.compile(policy).entrySet()) {
            TaskRestrictions.filterTask(e.getKey(), 0, e.getValue());
        }
    }
}
