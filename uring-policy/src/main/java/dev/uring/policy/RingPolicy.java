package dev.uring.policy;

import dev.uring.core.Opcode;
import dev.uring.core.RegisterOp;
import dev.uring.core.Restriction;
import dev.uring.core.Sqe;
import dev.uring.core.SqeFlags;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * What rings may do: the SQE ops and register ops they may use, the SQE flags allowed and
 * required, and argument filters on op arguments. Immutable; {@link #narrow(RingPolicy)} is the
 * intersection, and no operation widens a policy.
 *
 * <p>SQE flag semantics are the kernel's: a flag in {@link #sqeFlagsRequired()} must be on every SQE
 * and is implicitly allowed; any other flag must be in {@link #sqeFlagsAllowed()}.
 */
public final class RingPolicy {
    private static final RingPolicy ALLOW_ALL = new RingPolicy("allow-all", EnumSet.allOf(Opcode.class),
            EnumSet.allOf(RegisterOp.class), SqeFlags.ALL, 0, List.of());
    private static final RingPolicy DENY_ALL = denyAll("deny-all");

    private final String name;
    private final Set<Opcode> sqeOps;
    private final Set<RegisterOp> registerOps;
    private final int sqeFlagsAllowed;
    private final int sqeFlagsRequired;
    private final List<ArgumentFilter> filters;
    /** Cached: a policy is a map key per op subscribed on a shared runtime (PolicyRingSetupHook.key). */
    private int hash;

    private RingPolicy(String name, Set<Opcode> sqeOps, Set<RegisterOp> registerOps, int sqeFlagsAllowed,
            int sqeFlagsRequired, List<ArgumentFilter> filters) {
        this.name = name;
        this.sqeOps = sqeOps.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(sqeOps));
        this.registerOps = registerOps.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(registerOps));
        this.sqeFlagsAllowed = sqeFlagsAllowed | sqeFlagsRequired;
        this.sqeFlagsRequired = sqeFlagsRequired;
        this.filters = List.copyOf(new LinkedHashSet<>(filters));
    }

    /** Allows everything: the identity of {@link #narrow(RingPolicy)}. */
    public static RingPolicy allowAll() {
        return ALLOW_ALL;
    }

    /**
     * Allows no SQE op and no register op: a ring under it can only be created and closed (the
     * framework's own ASYNC_CANCEL and register ops stay allowed on event-loop rings). This is the
     * only way to spell a deliberate deny-all; {@link Builder#build()} refuses a policy that allows
     * nothing, which is almost always a mistake.
     */
    public static RingPolicy denyAll() {
        return DENY_ALL;
    }

    /** {@link #denyAll()} under another name (profiles with a {@code deny-all} line). */
    static RingPolicy denyAll(String name) {
        return new RingPolicy(name, EnumSet.noneOf(Opcode.class), EnumSet.noneOf(RegisterOp.class), 0, 0, List.of());
    }

    /** A builder that starts from nothing allowed. */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** The policy's name (for messages). */
    public String name() {
        return name;
    }

    /** The SQE ops allowed. */
    public Set<Opcode> sqeOps() {
        return sqeOps;
    }

    /** The register ops allowed after a ring is enabled. */
    public Set<RegisterOp> registerOps() {
        return registerOps;
    }

    /** The SQE flags allowed ({@link SqeFlags}), required ones included. */
    public int sqeFlagsAllowed() {
        return sqeFlagsAllowed;
    }

    /** The SQE flags every SQE must carry. */
    public int sqeFlagsRequired() {
        return sqeFlagsRequired;
    }

    /** The argument filters, in order; all must allow. */
    public List<ArgumentFilter> filters() {
        return filters;
    }

    /** Whether {@code op} is allowed at all (its arguments may still be filtered). */
    public boolean permits(Opcode op) {
        return sqeOps.contains(op);
    }

    /** Whether register op {@code op} is allowed. */
    public boolean permits(RegisterOp op) {
        return registerOps.contains(op);
    }

    /** Whether an SQE carrying exactly {@code flags} passes the flag rules. */
    public boolean permitsFlags(int flags) {
        return (flags & sqeFlagsRequired) == sqeFlagsRequired && (flags & ~sqeFlagsAllowed) == 0;
    }

    /**
     * The intersection of this policy and {@code other}: an op, register op or flag is allowed only if
     * both allow it, required flags add up, and the filters of both apply. When the required flags are
     * not all allowed, no SQE can pass and the result allows no SQE op.
     */
    public RingPolicy narrow(RingPolicy other) {
        if (other == ALLOW_ALL || other == this) {
            return this;
        }
        if (this == ALLOW_ALL) {
            return other;
        }
        EnumSet<Opcode> ops = copy(sqeOps, Opcode.class);
        ops.retainAll(other.sqeOps);
        EnumSet<RegisterOp> reg = copy(registerOps, RegisterOp.class);
        reg.retainAll(other.registerOps);
        int required = sqeFlagsRequired | other.sqeFlagsRequired;
        int allowed = sqeFlagsAllowed & other.sqeFlagsAllowed;
        if ((required & ~allowed) != 0) {
            ops.clear();
        }
        List<ArgumentFilter> f = new ArrayList<>(filters);
        f.addAll(other.filters);
        return new RingPolicy(name + " & " + other.name, ops, reg, allowed & ~required, required, f);
    }

    /**
     * Whether everything this policy allows is allowed by {@code wider} (filters compared as sets).
     * A policy that allows no SQE op is narrower on SQE flags and filters whatever they say.
     */
    public boolean isNarrowerOrEqual(RingPolicy wider) {
        boolean sqeSide = sqeOps.isEmpty() || ((sqeFlagsAllowed & ~wider.sqeFlagsAllowed) == 0
                && (wider.sqeFlagsRequired & ~sqeFlagsRequired) == 0 && filters.containsAll(wider.filters));
        return wider.sqeOps.containsAll(sqeOps) && wider.registerOps.containsAll(registerOps) && sqeSide;
    }

    /**
     * Checks one prepared SQE against the whole policy: op, flags and argument filters.
     *
     * @return null when allowed, else the reason, naming the op and the rule
     */
    public @Nullable String check(Sqe sqe) {
        Opcode op = sqe.opcode();
        if (!sqeOps.contains(op)) {
            return op + " denied: policy '" + name + "' does not allow the op";
        }
        int flags = sqe.flagsValue();
        if (!permitsFlags(flags)) {
            return op + " denied: policy '" + name + "' does not allow SQE flags 0x" + Integer.toHexString(flags)
                    + " (allowed 0x" + Integer.toHexString(sqeFlagsAllowed) + ", required 0x"
                    + Integer.toHexString(sqeFlagsRequired) + ")";
        }
        return checkArguments(sqe);
    }

    /** Runs only the argument filters over {@code sqe}: null when allowed, else the reason. */
    @Nullable String checkArguments(Sqe sqe) {
        if (filters.isEmpty()) {
            return null;
        }
        OpArguments args = null;
        for (ArgumentFilter f : filters) {
            if (f.ops().contains(sqe.opcode())) {
                if (args == null) {
                    args = OpArguments.from(sqe);   // throws on a null path or sockaddr: the ring refuses the SQE
                }
                String why = FilterCheck.check(f, sqe, args);
                if (why != null) {
                    return why;
                }
            }
        }
        return null;
    }

    /**
     * The kernel allow-list for this policy on a ring: the allowed SQE ops the kernel knows, the
     * register ops (plus {@code extraRegisterOps}) the kernel knows, and the flag rules.
     */
    List<Restriction> toRestrictions(Set<Opcode> kernelOps, int kernelRegisterOps,
            Collection<RegisterOp> extraRegisterOps) {
        List<Restriction> out = new ArrayList<>();
        for (Opcode op : EnumSet.copyOf(withDefault(sqeOps, Opcode.class))) {
            if (kernelOps.contains(op)) {
                out.add(Restriction.sqeOp(op));
            }
        }
        EnumSet<RegisterOp> reg = copy(registerOps, RegisterOp.class);
        reg.addAll(extraRegisterOps);
        for (RegisterOp op : reg) {
            if (op.code() < kernelRegisterOps) {
                out.add(Restriction.registerOp(op));
            }
        }
        out.add(Restriction.sqeFlagsAllowed(sqeFlagsAllowed & ~sqeFlagsRequired));
        if (sqeFlagsRequired != 0) {
            out.add(Restriction.sqeFlagsRequired(sqeFlagsRequired));
        }
        return out;
    }

    private static <E extends Enum<E>> EnumSet<E> copy(Set<E> set, Class<E> type) {
        return set.isEmpty() ? EnumSet.noneOf(type) : EnumSet.copyOf(set);
    }

    private static <E extends Enum<E>> Set<E> withDefault(Set<E> set, Class<E> type) {
        return set.isEmpty() ? EnumSet.noneOf(type) : set;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RingPolicy p && p.sqeOps.equals(sqeOps) && p.registerOps.equals(registerOps)
                && p.sqeFlagsAllowed == sqeFlagsAllowed && p.sqeFlagsRequired == sqeFlagsRequired
                && p.filters.equals(filters);
    }

    @Override
    public int hashCode() {
        int h = hash;
        if (h == 0) {
            h = Objects.hash(sqeOps, registerOps, sqeFlagsAllowed, sqeFlagsRequired, filters);
            hash = h == 0 ? 1 : h;
        }
        return h;
    }

    @Override
    public String toString() {
        return "RingPolicy[" + name + ": " + sqeOps.size() + " ops, " + registerOps.size() + " register ops, flags 0x"
                + Integer.toHexString(sqeFlagsAllowed) + "/0x" + Integer.toHexString(sqeFlagsRequired) + ", "
                + filters.size() + " filters]";
    }

    /** Builds a {@link RingPolicy}; starts with nothing allowed. Not thread-safe. */
    public static final class Builder {
        private final String name;
        private final EnumSet<Opcode> ops = EnumSet.noneOf(Opcode.class);
        private final EnumSet<RegisterOp> reg = EnumSet.noneOf(RegisterOp.class);
        private int allowed;
        private int required;
        private final List<ArgumentFilter> filters = new ArrayList<>();

        private Builder(String name) {
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("policy name must not be blank");
            }
            this.name = name;
        }

        /** Allows these SQE ops. */
        public Builder allow(Opcode... allowedOps) {
            ops.addAll(List.of(allowedOps));
            return this;
        }

        /** Allows these SQE ops. */
        public Builder allowOps(Collection<Opcode> allowedOps) {
            ops.addAll(allowedOps);
            return this;
        }

        /** Allows these register ops. */
        public Builder allowRegister(RegisterOp... allowedOps) {
            reg.addAll(List.of(allowedOps));
            return this;
        }

        /** Allows these register ops. */
        public Builder allowRegisterOps(Collection<RegisterOp> allowedOps) {
            reg.addAll(allowedOps);
            return this;
        }

        /** Allows these SQE flags ({@link SqeFlags}). */
        public Builder allowFlags(int flags) {
            checkFlags(flags);
            allowed |= flags;
            return this;
        }

        /** Requires these SQE flags on every SQE. */
        public Builder requireFlags(int flags) {
            checkFlags(flags);
            required |= flags;
            return this;
        }

        /** Adds an argument filter (after those added before). */
        public Builder filter(ArgumentFilter filter) {
            filters.add(Objects.requireNonNull(filter, "filter"));
            return this;
        }

        /**
         * The policy.
         *
         * @throws IllegalStateException when it would allow no SQE op and no register op: use
         *         {@link RingPolicy#denyAll()} for a deliberate deny-all
         */
        public RingPolicy build() {
            if (ops.isEmpty() && reg.isEmpty()) {
                throw new IllegalStateException("policy '" + name + "' allows nothing (no SQE op, no register op):"
                        + " a ring under it could do no I/O at all. Allow the ops it needs (allow(...),"
                        + " allowRegister(...)), or, for a deliberate deny-all, use RingPolicy.denyAll()");
            }
            return new RingPolicy(name, ops, reg, allowed, required, filters);
        }

        private static void checkFlags(int flags) {
            if ((flags & ~SqeFlags.ALL) != 0) {
                throw new IllegalArgumentException("unknown SQE flag bits 0x" + Integer.toHexString(flags & ~SqeFlags.ALL));
            }
        }
    }
}
