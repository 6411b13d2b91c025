package dev.uring.policy;

import dev.uring.core.IoUring;
import dev.uring.core.Opcode;
import dev.uring.core.RegisterOp;
import dev.uring.core.Restriction;
import dev.uring.core.Ring;
import dev.uring.core.RingCustomizer;
import dev.uring.core.Sqe;
import dev.uring.core.SubmissionFilter;
import dev.uring.core.TaskRestrictions;
import java.io.IOException;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import org.jspecify.annotations.Nullable;

/**
 * Applies a {@link RingPolicy} to one ring while it is {@code R_DISABLED}: layer 1, the kernel's
 * per-ring restrictions; layer 3 on kernels with io_uring BPF filters (7.0), the policy's argument
 * filters compiled to cBPF; and, through {@link #submissionFilter()}, layer 2, the argument filters
 * checked in Java before each submission.
 *
 * <p>Framework needs. An event loop's own SQE (ASYNC_CANCEL, for cancellation; loops wake by MSG_RING
 * from another ring, which needs nothing of this one) and the register ops the framework performs after enabling
 * ({@link #FRAMEWORK_REGISTER_OPS}: fixed-file table updates and provided buffer rings) stay allowed
 * by the kernel. On Linux 6.18 any restriction set also denies every register op it does not list, so
 * without them an enabled ring could not update its file table. Register ops outside the policy and the framework set, such as
 * BUFFERS (fixed buffers: register them before enabling, in a customizer) are refused by the kernel.
 * A policy with required SQE flags does not suit event-loop rings, whose own SQEs do not carry them.
 */
public final class PolicyCustomizer implements RingCustomizer {
    /** Register ops the framework performs on enabled rings, kept allowed whatever the policy. */
    public static final Set<RegisterOp> FRAMEWORK_REGISTER_OPS = Collections.unmodifiableSet(EnumSet.of(
            RegisterOp.FILES2, RegisterOp.FILES_UPDATE, RegisterOp.FILES_UPDATE2, RegisterOp.UNREGISTER_FILES,
            RegisterOp.FILE_ALLOC_RANGE, RegisterOp.PBUF_RING, RegisterOp.UNREGISTER_PBUF_RING,
            RegisterOp.PBUF_STATUS, RegisterOp.PROBE));
    /** SQE ops the framework itself submits, kept allowed by the kernel. */
    static final Set<Opcode> FRAMEWORK_SQE_OPS = Collections.unmodifiableSet(EnumSet.of(Opcode.ASYNC_CANCEL));

    private static final System.Logger LOG = System.getLogger(PolicyCustomizer.class.getName());
    private static final Set<String> AUDITED = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private static final Map<Ring, RingPolicy> APPLIED = Collections.synchronizedMap(new WeakHashMap<>());

    /**
     * The filter made by {@link #submissionFilter()} for the ring being opened on this thread, bound to that
     * ring's fd by {@link #beforeEnable}: Ring.open calls both, in that order, on the opening thread.
     */
    private static final ThreadLocal<java.util.ArrayList<RingFilter>> OPENING =
            ThreadLocal.withInitial(java.util.ArrayList::new);

    private final RingPolicy policy;
    /**
     * By {@link Opcode#ordinal()}: whether Java must look at an SQE of that op. Only allowed ops with an
     * argument filter, and framework ops the policy denies; the kernel enforces everything else (op
     * allow-list and SQE flags), so the per-SQE cost of other ops is one array read.
     */
    private final boolean[] javaChecked;
    /** Whether the kernel alone enforces the policy: no op needs a Java check. */
    private final boolean kernelOnly;

    private PolicyCustomizer(RingPolicy policy) {
        this.policy = policy;
        Opcode[] all = Opcode.values();
        this.javaChecked = new boolean[all.length];
        boolean any = false;
        for (Opcode op : all) {
            boolean filtered = policy.permits(op) && policy.filters().stream().anyMatch(f -> f.ops().contains(op));
            javaChecked[op.ordinal()] = filtered || (FRAMEWORK_SQE_OPS.contains(op) && !policy.permits(op));
            any |= javaChecked[op.ordinal()];
        }
        this.kernelOnly = !any;
    }

    /** A customizer applying {@code policy}; pass it to {@link dev.uring.core.RingOptions#customizer}. */
    public static PolicyCustomizer of(RingPolicy policy) {
        return new PolicyCustomizer(java.util.Objects.requireNonNull(policy, "policy"));
    }

    /** The policy applied. */
    public RingPolicy policy() {
        return policy;
    }

    /** The policy applied to {@code ring} by a {@link PolicyCustomizer}, or null. */
    static @Nullable RingPolicy appliedTo(Ring ring) {
        return APPLIED.get(ring);
    }

    @Override
    public void beforeEnable(Ring ring) throws IOException {
        java.util.ArrayList<RingFilter> opening = OPENING.get();
        for (int i = opening.size() - 1; i >= 0; i--) {
            if (opening.get(i).owner == this) {
                opening.remove(i).ringFd = ring.fd();
                break;
            }
        }
        ring.registerRestrictions(kernelRestrictions());
        if (TaskRestrictions.bpfFiltersSupported()) {
            for (Map.Entry<Opcode, List<dev.uring.core.CbpfInstruction>> e : CbpfCompiler.compile(policy).entrySet()) {
                TaskRestrictions.filterRing(ring, e.getKey(), 0, e.getValue());
            }
        }
        APPLIED.put(ring, policy);
    }

    /** The kernel allow-list: the policy's ops and register ops, plus the framework's, that this kernel knows. */
    List<Restriction> kernelRestrictions() throws IOException {
        Set<Opcode> kernelOps = IoUring.probe().supportedOps();
        int kernelRegisterOps = IoUring.registerOpCount();
        auditUnknown(kernelOps, kernelRegisterOps);
        RingPolicy withFramework = policy;
        EnumSet<Opcode> ops = policy.sqeOps().isEmpty() ? EnumSet.noneOf(Opcode.class) : EnumSet.copyOf(policy.sqeOps());
        if (!ops.containsAll(FRAMEWORK_SQE_OPS)) {
            ops.addAll(FRAMEWORK_SQE_OPS);
            withFramework = RingPolicy.builder(policy.name()).allowOps(ops).allowRegisterOps(policy.registerOps())
                    .allowFlags(policy.sqeFlagsAllowed() & ~policy.sqeFlagsRequired())
                    .requireFlags(policy.sqeFlagsRequired()).build();
        }
        return withFramework.toRestrictions(kernelOps, kernelRegisterOps, FRAMEWORK_REGISTER_OPS);
    }

    /**
     * The ops this policy (with the framework's register ops) names that the running kernel does not
     * know, so its restriction list leaves out: an op the kernel does not know cannot run on it anyway,
     * and naming one would make the kernel refuse the whole list (EINVAL). Empty on the kernel a policy
     * was written for; on Linux 6.1, for example, PBUF_STATUS (6.8) and BIND (6.11).
     */
    public Set<String> unknownToKernel() throws IOException {
        Set<Opcode> kernelOps = IoUring.probe().supportedOps();
        int kernelRegisterOps = IoUring.registerOpCount();
        Set<String> out = new java.util.TreeSet<>();
        for (Opcode op : policy.sqeOps()) {
            if (!kernelOps.contains(op)) {
                out.add(op.name());
            }
        }
        EnumSet<RegisterOp> reg = EnumSet.copyOf(FRAMEWORK_REGISTER_OPS);
        reg.addAll(policy.registerOps());
        for (RegisterOp op : reg) {
            if (op.code() >= kernelRegisterOps) {
                out.add("register " + op.name());
            }
        }
        return out;
    }

    /** Says once per policy, in the log, which of its ops the kernel does not know. */
    private void auditUnknown(Set<Opcode> kernelOps, int kernelRegisterOps) throws IOException {
        if (AUDITED.add(policy.name())) {
            Set<String> unknown = unknownToKernel();
            if (!unknown.isEmpty()) {
                LOG.log(System.Logger.Level.INFO, "policy '" + policy.name() + "': the running kernel ("
                        + dev.uring.core.KernelFeature.release() + ", " + kernelOps.size() + " SQE ops, "
                        + kernelRegisterOps + " register ops) does not know " + unknown
                        + "; they cannot run on it, so its restriction list leaves them out");
            }
        }
    }

    /**
     * The Java check (layer 2): argument filters, and the framework ops the kernel keeps allowed but the
     * policy denies. {@link SubmissionFilter#ALLOW_ALL}, which costs nothing per SQE, when the kernel
     * enforces the whole policy. Ops the policy denies otherwise go to the kernel, which refuses them.
     */
    @Override
    public SubmissionFilter submissionFilter() {
        if (kernelOnly) {
            return SubmissionFilter.ALLOW_ALL;
        }
        RingFilter f = new RingFilter(this);
        java.util.ArrayList<RingFilter> opening = OPENING.get();
        opening.removeIf(o -> o.owner == this); // left by an open that failed before beforeEnable
        if (opening.size() >= 8) {
            opening.remove(0);
        }
        opening.add(f);
        return f;
    }

    /** One ring's Java filter; reports each denial it decides to {@link PolicyViolations}. */
    private static final class RingFilter implements SubmissionFilter {
        final PolicyCustomizer owner;
        volatile int ringFd = -1;

        RingFilter(PolicyCustomizer owner) {
            this.owner = owner;
        }

        @Override
        public @Nullable String check(Sqe sqe) {
            String why = owner.check(sqe);
            if (why != null) {
                PolicyViolations.report(PolicyViolation.now(sqe.opcode().name(), why, PolicyViolation.Layer.FILTER,
                        owner.policy.name(), ringFd));
            }
            return why;
        }
    }

    private @Nullable String check(Sqe sqe) {
        Opcode op = sqe.opcode();
        if (!javaChecked[op.ordinal()]) {
            return null; // the kernel decides: allowed with no argument rule, or outside its allow-list
        }
        if (!policy.permits(op) && op == Opcode.ASYNC_CANCEL) {
            return policy.checkArguments(sqe);
        }
        return policy.check(sqe);
    }

    /** Names the policy and the rule behind the kernel's -EACCES, and reports it to {@link PolicyViolations}. */
    @Override
    public String completionDenied(Ring ring, Opcode op) {
        String reason = op + " denied by the kernel's restrictions on ring fd " + ring.fd() + " (policy '"
                + policy.name() + "'" + (policy.permits(op) ? ": the op's SQE flags are not allowed)"
                : ": the op is not allowed)");
        PolicyViolations.report(PolicyViolation.now(op.name(), reason, PolicyViolation.Layer.KERNEL, policy.name(),
                ring.fd()));
        return reason;
    }

    /**
     * Refuses a syscall fallback for an op the policy does not allow (the kernel lacks the op, so it
     * cannot refuse it itself), and reports it to {@link PolicyViolations}.
     */
    @Override
    public @Nullable String fallbackDenied(Ring ring, Opcode op) {
        if (policy.permits(op)) {
            return null;
        }
        String reason = op + " denied by policy '" + policy.name() + "' on ring fd " + ring.fd()
                + " (the kernel lacks the op; its syscall fallback is refused the same way)";
        PolicyViolations.report(PolicyViolation.now(op.name(), reason, PolicyViolation.Layer.FILTER, policy.name(),
                ring.fd()));
        return reason;
    }

    /** Whether the policy refuses {@code op} or checks its arguments (then no syscall may stand in for it). */
    @Override
    public boolean mayRestrict(Opcode op) {
        return !policy.permits(op) || javaChecked[op.ordinal()];
    }

    /** Reports the refusal to {@link PolicyViolations}: every denied register op is audited. */
    @Override
    public void registerDenied(Ring ring, RegisterOp op, String reason) {
        PolicyViolations.report(PolicyViolation.now(op.name(), reason + " (policy '" + policy.name() + "')",
                PolicyViolation.Layer.REGISTER, policy.name(), ring.fd()));
    }

    @Override
    public String toString() {
        return "PolicyCustomizer[" + policy + "]";
    }
}
