package dev.uring.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uring.core.Opcode;
import dev.uring.core.RegisterOp;
import dev.uring.core.Ring;
import dev.uring.core.RingOptions;
import dev.uring.core.Sqe;
import dev.uring.core.SqeFlags;
import dev.uring.core.loop.EventLoop;
import dev.uring.core.loop.EventLoopGroup;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Inheritance: scopes narrow, never widen, and reach rings made by event loops. */
@Timeout(60)
class PolicyScopeTest {
    private static final int EACCES = -13;

    @Test
    void noScopeMeansNoPolicy() {
        assertThat(PolicyScope.current()).isEmpty();
    }

    @Test
    void aNestedScopeCannotAllowWhatItsParentDenies() throws Exception {
        RingPolicy outer = RingPolicy.builder("outer").allow(Opcode.NOP, Opcode.WRITE).build();
        RingPolicy inner = RingPolicy.builder("inner").allow(Opcode.NOP, Opcode.SOCKET).build();
        int[] res = PolicyScope.call(outer, () -> PolicyScope.call(inner, () -> {
            RingPolicy effective = PolicyScope.current().orElseThrow();
            assertThat(effective.sqeOps()).containsExactly(Opcode.NOP);
            try (Ring ring = Ring.open(RingOptions.defaults().entries(4))) {
                return new int[] {OneShot.run(ring, 1, s -> s.prepSocket(2, 1, 0, 0)), OneShot.run(ring, 2, Sqe::prepNop)};
            }
        }));
        assertThat(res[0]).isEqualTo(EACCES);
        assertThat(res[1]).isZero();
        assertThat(PolicyScope.current()).isEmpty();
    }

    @Test
    void forEveryOpANestedScopeAllowingItStillDeniesItWhenTheParentDoes() {
        for (Opcode op : Opcode.values()) {
            EnumSet<Opcode> allBut = EnumSet.allOf(Opcode.class);
            allBut.remove(op);
            RingPolicy parent = RingPolicy.builder("parent").allowOps(allBut).build();
            RingPolicy child = RingPolicy.builder("child").allow(op).build();
            PolicyScope.run(parent, () -> PolicyScope.run(child, () -> {
                RingPolicy p = PolicyScope.current().orElseThrow();
                assertThat(p.permits(op)).as("%s", op).isFalse();
                assertThat(p.sqeOps()).isEmpty();
            }));
            RingPolicy widening = RingPolicy.allowAll();
            PolicyScope.run(parent, () -> PolicyScope.run(widening, () ->
                    assertThat(PolicyScope.current().orElseThrow().permits(op)).as("%s", op).isFalse()));
        }
    }

    @Test
    void ringsOfAnEventLoopGroupCreatedInAScopeAreRestricted() throws Exception {
        RingPolicy noSockets = PolicyProfiles.builtIn("no-network");
        EventLoopGroup group = PolicyScope.call(noSockets, () -> EventLoopGroup.create(2));
        try (group) {
            for (EventLoop loop : group) {
                CompletableFuture<int[]> done = new CompletableFuture<>();
                loop.execute(() -> {
                    int[] res = new int[2];
                    long socket = loop.register((r, f) -> {
                        res[0] = r;
                        long nop = loop.register((r2, f2) -> {
                            res[1] = r2;
                            done.complete(res);
                        });
                        loop.nextSqe().prepNop().userData(nop);
                    });
                    loop.nextSqe().prepSocket(2, 1, 0, 0).userData(socket);
                });
                int[] res = done.get(10, TimeUnit.SECONDS);
                assertThat(res[0]).isEqualTo(EACCES);
                assertThat(res[1]).isZero();
                CompletableFuture<String> reason = new CompletableFuture<>();
                loop.execute(() -> reason.complete(String.valueOf(AccessDenials.forCompletion(loop.ring(), Opcode.SOCKET, 0)
                        .getMessage())));
                assertThat(reason.get(10, TimeUnit.SECONDS)).contains("SOCKET");
            }
        }
    }

    @Test
    void eventLoopsStillWakeUpUnderAPolicyThatDeniesRead() throws Exception {
        RingPolicy nopOnly = RingPolicy.builder("nop-only").allow(Opcode.NOP).build();
        EventLoopGroup group = PolicyScope.call(nopOnly, () -> EventLoopGroup.create(1));
        try (group) {
            EventLoop loop = group.get(0);
            for (int i = 0; i < 20; i++) {
                CompletableFuture<Integer> done = new CompletableFuture<>();
                loop.execute(() -> {
                    long ud = loop.register((r, f) -> done.complete(r));
                    loop.nextSqe().prepNop().userData(ud);
                });
                assertThat(done.get(10, TimeUnit.SECONDS)).isZero();
            }
        }
    }

    // ------------------------------------------------------------------ property-style narrowing

    private static RingPolicy random(Random rnd, String name) {
        RingPolicy.Builder b = RingPolicy.builder(name);
        for (Opcode op : Opcode.values()) {
            if (rnd.nextInt(3) != 0) {
                b.allow(op);
            }
        }
        for (RegisterOp op : RegisterOp.values()) {
            if (rnd.nextBoolean()) {
                b.allowRegister(op);
            }
        }
        b.allowFlags(rnd.nextInt(SqeFlags.ALL + 1));
        if (rnd.nextInt(4) == 0) {
            b.requireFlags(1 << rnd.nextInt(7));
        }
        if (rnd.nextBoolean()) {
            b.filter(new ArgumentFilter.Socket(java.util.Set.of(2 + 8 * rnd.nextInt(2)), java.util.Set.of(), java.util.Set.of()));
        }
        if (rnd.nextBoolean()) {
            b.filter(new ArgumentFilter.Open(rnd.nextBoolean(), rnd.nextBoolean(), null, rnd.nextBoolean()));
        }
        return b.build();
    }

    @Test
    void randomNarrowingIsAnIntersectionThatNeverWidens() {
        Random rnd = new Random(0x5eed);
        for (int round = 0; round < 500; round++) {
            RingPolicy a = random(rnd, "a");
            RingPolicy b = random(rnd, "b");
            RingPolicy c = random(rnd, "c");
            RingPolicy ab = a.narrow(b);
            assertThat(ab.isNarrowerOrEqual(a)).isTrue();
            assertThat(ab.isNarrowerOrEqual(b)).isTrue();
            boolean satisfiable = ((a.sqeFlagsRequired() | b.sqeFlagsRequired())
                    & ~(a.sqeFlagsAllowed() & b.sqeFlagsAllowed())) == 0;
            for (Opcode op : Opcode.values()) {
                assertThat(ab.permits(op)).isEqualTo(satisfiable && a.permits(op) && b.permits(op));
            }
            for (RegisterOp op : RegisterOp.values()) {
                assertThat(ab.permits(op)).isEqualTo(a.permits(op) && b.permits(op));
            }
            for (int flags = 0; satisfiable && flags <= SqeFlags.ALL; flags++) {
                if (ab.permitsFlags(flags)) {
                    assertThat(a.permitsFlags(flags) && b.permitsFlags(flags)).as("flags %x", flags).isTrue();
                }
            }
            assertThat(ab.filters()).containsAll(a.filters()).containsAll(b.filters());
            // the order of narrowing does not change what is allowed
            RingPolicy left = a.narrow(b).narrow(c);
            RingPolicy right = a.narrow(b.narrow(c));
            assertThat(left.sqeOps()).isEqualTo(right.sqeOps());
            assertThat(left.registerOps()).isEqualTo(right.registerOps());
            assertThat(b.narrow(a).sqeOps()).isEqualTo(ab.sqeOps());
            // and a chain of scopes is the same fold
            List<RingPolicy> chain = List.of(a, b, c);
            RingPolicy[] seen = new RingPolicy[1];
            PolicyScope.run(chain.get(0), () -> PolicyScope.run(chain.get(1), () -> PolicyScope.run(chain.get(2),
                    () -> seen[0] = PolicyScope.current().orElseThrow())));
            assertThat(seen[0].isNarrowerOrEqual(a) && seen[0].isNarrowerOrEqual(b) && seen[0].isNarrowerOrEqual(c)).isTrue();
            assertThat(seen[0].sqeOps()).isEqualTo(left.sqeOps());
        }
    }
}
