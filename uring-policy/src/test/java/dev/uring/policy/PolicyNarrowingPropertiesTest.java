package dev.uring.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uring.core.Opcode;
import dev.uring.core.RegisterOp;
import dev.uring.core.Ring;
import dev.uring.core.RingOptions;
import dev.uring.core.Sqe;
import dev.uring.core.SqeFlags;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.lifecycle.AfterContainer;

/**
 * Policy narrowing, property-based: for random policies and random chains of nested scopes, the
 * effective policy never allows an op, register op, SQE flag set or argument that an outer policy
 * denies; narrowing is idempotent, commutative and associative in what it decides; and rings
 * created inside random nested scopes are refused every op the chain denies (but ASYNC_CANCEL,
 * which the framework keeps for itself).
 */
class PolicyNarrowingPropertiesTest {
    private static final AtomicLong POLICIES = new AtomicLong();
    private static final AtomicLong SQES_JUDGED = new AtomicLong();
    private static final AtomicLong KERNEL_DENIALS = new AtomicLong();
    private static final AtomicLong WIDENED = new AtomicLong();

    @AfterContainer
    static void figures() {
        PolicyInvariants.report("policy-narrowing", "random_policies", POLICIES.get(), "sqes_judged", SQES_JUDGED.get(),
                "kernel_refusals_checked", KERNEL_DENIALS.get(), "widened", WIDENED.get());
    }

    @Provide
    Arbitrary<RingPolicy> policies() {
        Arbitrary<Set<Opcode>> ops = Arbitraries.of(Opcode.class).set().ofMaxSize(Opcode.values().length);
        Arbitrary<Set<RegisterOp>> reg = Arbitraries.of(RegisterOp.class).set().ofMaxSize(RegisterOp.values().length);
        Arbitrary<Integer> allowed = Arbitraries.integers().between(0, SqeFlags.ALL);
        Arbitrary<Integer> required = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(4, Arbitraries.just(0)),
                net.jqwik.api.Tuple.of(1, Arbitraries.integers().between(0, 6).map(b -> 1 << b)));
        Arbitrary<List<ArgumentFilter>> filters = filters().list().ofMaxSize(3);
        return Combinators.combine(ops, reg, allowed, required, filters).as((o, r, a, q, f) -> {
            if (o.isEmpty() && r.isEmpty()) {
                POLICIES.incrementAndGet();
                return RingPolicy.denyAll();   // the builder refuses a policy that allows nothing
            }
            RingPolicy.Builder b = RingPolicy.builder("p" + POLICIES.incrementAndGet()).allowOps(o).allowRegisterOps(r)
                    .allowFlags(a).requireFlags(q);
            f.forEach(b::filter);
            return b.build();
        });
    }

    static Arbitrary<ArgumentFilter> filters() {
        Arbitrary<ArgumentFilter> socket = Combinators.combine(
                Arbitraries.of(1, 2, 10, 16, 17).set().ofMaxSize(3),
                Arbitraries.integers().between(0, 15).set().ofMaxSize(3),
                Arbitraries.of(0, 6, 17, 132).set().ofMaxSize(2)).as(ArgumentFilter.Socket::new);
        Arbitrary<ArgumentFilter> open = Combinators.combine(Arbitraries.of(true, false), Arbitraries.of(true, false),
                Arbitraries.of(true, false)).as((w, c, b) -> new ArgumentFilter.Open(w, c, (Path) null, b));
        Arbitrary<ArgumentFilter> maxLength = Combinators.combine(
                Arbitraries.of(Opcode.READ, Opcode.WRITE, Opcode.SEND, Opcode.RECV).set().ofMinSize(1),
                Arbitraries.longs().between(0, 0xffff_ffffL)).as(ArgumentFilter.MaxLength::new);
        Arbitrary<ArgumentFilter> connect = Combinators.combine(Arbitraries.integers().between(0, 255),
                Arbitraries.integers().between(0, 32), Arbitraries.integers().between(0, 65535))
                .as((last, prefix, port) -> {
                    try {
                        InetAddress a = InetAddress.getByAddress(new byte[] {127, 0, 0, (byte) (int) last});
                        return (ArgumentFilter) new ArgumentFilter.Connect(List.of(
                                ArgumentFilter.Destination.inet(a, prefix, port, Math.min(65535, port + 100))));
                    } catch (java.net.UnknownHostException e) {
                        throw new AssertionError(e);
                    }
                });
        return Arbitraries.oneOf(socket, open, maxLength, connect);
    }

    @Property
    void narrowingIsAnIntersectionThatNeverWidens(@ForAll("policies") RingPolicy a, @ForAll("policies") RingPolicy b) {
        RingPolicy n = a.narrow(b);
        PolicyInvariants.assertNeverWider(n, a);
        PolicyInvariants.assertNeverWider(n, b);
        boolean sat = ((a.sqeFlagsRequired() | b.sqeFlagsRequired()) & ~(a.sqeFlagsAllowed() & b.sqeFlagsAllowed())) == 0;
        for (Opcode op : Opcode.values()) {
            assertThat(n.permits(op)).as("%s", op).isEqualTo(sat && a.permits(op) && b.permits(op));
        }
        assertThat(n.isNarrowerOrEqual(a) && n.isNarrowerOrEqual(b)).isTrue();
    }

    @Property
    void narrowingIsIdempotentCommutativeAndAssociative(@ForAll("policies") RingPolicy a,
            @ForAll("policies") RingPolicy b, @ForAll("policies") RingPolicy c) {
        PolicyInvariants.assertSameDecisions(a.narrow(a), a);
        PolicyInvariants.assertSameDecisions(a.narrow(b).narrow(b), a.narrow(b));
        PolicyInvariants.assertSameDecisions(a.narrow(b), b.narrow(a));
        PolicyInvariants.assertSameDecisions(a.narrow(b).narrow(c), a.narrow(b.narrow(c)));
        PolicyInvariants.assertSameDecisions(a.narrow(RingPolicy.allowAll()), a);
        PolicyInvariants.assertSameDecisions(RingPolicy.allowAll().narrow(a), a);
    }

    /**
     * A chain of up to six nested scopes: the innermost effective policy is the fold of the chain,
     * and judges real SQEs (random op, random flags, random socket arguments) no more leniently
     * than any scope of the chain does on its own.
     */
    @Property
    void nestedScopesNeverWiden(@ForAll @Size(min = 1, max = 6) List<@From("policies") RingPolicy> chain,
            @ForAll @Size(min = 1, max = 16) List<@IntRange(min = 0, max = 1 << 20) Integer> sqeSeeds) throws Exception {
        RingPolicy[] seen = new RingPolicy[1];
        nest(chain, 0, () -> seen[0] = PolicyScope.current().orElseThrow());
        RingPolicy fold = chain.get(0);
        for (RingPolicy p : chain.subList(1, chain.size())) {
            fold = fold.narrow(p);
        }
        PolicyInvariants.assertSameDecisions(seen[0], fold);
        for (RingPolicy outer : chain) {
            PolicyInvariants.assertNeverWider(seen[0], outer);
        }
        try (PolicyInvariants.Pad pad = new PolicyInvariants.Pad()) {
            for (int seed : sqeSeeds) {
                Sqe sqe = randomSqe(pad.next(), seed);
                boolean inner = seen[0].check(sqe) == null;
                SQES_JUDGED.incrementAndGet();
                for (RingPolicy outer : chain) {
                    if (inner && outer.check(sqe) != null) {
                        WIDENED.incrementAndGet();
                        throw new AssertionError(sqe.opcode() + " allowed inside but denied by " + outer.name());
                    }
                }
            }
        }
    }

    private static void nest(List<RingPolicy> chain, int i, Runnable innermost) {
        if (i == chain.size()) {
            innermost.run();
            return;
        }
        PolicyScope.run(chain.get(i), () -> nest(chain, i + 1, innermost));
    }

    /** An SQE judged without memory behind it: a SOCKET with random arguments, or a bare op, random flags. */
    private static Sqe randomSqe(Sqe s, int seed) {
        java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
        int flags = r.nextInt(SqeFlags.ALL + 1);
        if ((flags & SqeFlags.IO_LINK) != 0) {
            flags &= ~SqeFlags.IO_HARDLINK;
        }
        if (r.nextInt(3) == 0) {
            s.prepSocket(List.of(1, 2, 10, 16, 17).get(r.nextInt(5)), r.nextInt(1 << 20), List.of(0, 6, 17, 132).get(r.nextInt(4)), 0);
        } else {
            List<Opcode> unfiltered = new ArrayList<>(EnumSet.allOf(Opcode.class));
            // ops whose filters read memory the SQE points at are fuzzed with real memory in ArgumentFilterFuzzTest
            unfiltered.removeAll(EnumSet.of(Opcode.OPENAT, Opcode.OPENAT2, Opcode.CONNECT, Opcode.SOCKET));
            s.prepBare(unfiltered.get(r.nextInt(unfiltered.size())));
        }
        return s.flags(flags);
    }

    /**
     * Rings created inside random nested scopes: every op the chain denies is refused (-EACCES) by
     * the ring, by the kernel's allow-list or the framework's filter, whichever the op meets first.
     */
    @Property(tries = 12)
    void ringsCreatedInNestedScopesAreRefusedWhatTheChainDenies(
            @ForAll @Size(min = 1, max = 4) List<@From("policies") RingPolicy> chain) throws Exception {
        Ring[] ring = new Ring[1];
        nest(chain, 0, () -> {
            try {
                ring[0] = Ring.open(RingOptions.defaults().entries(8));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        RingPolicy fold = chain.stream().reduce(RingPolicy::narrow).orElseThrow();
        try (Ring r = ring[0]) {
            for (Opcode op : Opcode.values()) {
                // ASYNC_CANCEL stays allowed by design: the framework cancels with it (PolicyCustomizer)
                if ((!fold.permits(op) || !fold.permitsFlags(0)) && !PolicyCustomizer.FRAMEWORK_SQE_OPS.contains(op)) {
                    // an op past the kernel's last (READ_MULTISHOT on 6.1) is refused as unknown: -EINVAL
                    int refused = dev.uring.core.IoUring.probe().isSupported(op) ? -13 : -22;
                    assertThat(OneShot.run(r, 100 + op.code(), s -> s.prepBare(op))).as("%s under %s", op, fold)
                            .isEqualTo(refused);
                    r.denialReason(100 + op.code());
                    KERNEL_DENIALS.incrementAndGet();
                }
            }
        }
    }
}
