package dev.uring.policy;

import dev.uring.core.Opcode;
import dev.uring.core.Ring;
import dev.uring.core.RingOptions;
import dev.uring.core.Sqe;

/**
 * Run in its own JVM by {@link BasePolicyTest}: a base policy binds the whole process for good, so
 * it must not leak into the other tests. Prints one line per check and exits 0 only if all hold.
 */
final class BasePolicyChild {
    private BasePolicyChild() {
    }

    public static void main(String[] args) throws Exception {
        RingPolicy base = PolicyProfiles.builtIn("no-network");
        PolicyScope.setBasePolicy(base);
        try {
            PolicyScope.setBasePolicy(RingPolicy.allowAll());
            System.out.println("FAIL second base policy accepted");
            System.exit(1);
        } catch (IllegalStateException e) {
            System.out.println("OK second registration refused: " + e.getMessage());
        }
        try (Ring ring = Ring.open(RingOptions.defaults().entries(4))) {
            check("socket denied without a scope", OneShot.run(ring, 1, s -> s.prepSocket(2, 1, 0, 0)) == -13);
            check("nop allowed without a scope", OneShot.run(ring, 2, Sqe::prepNop) == 0);
        }
        RingPolicy wide = RingPolicy.builder("wants-sockets").allow(Opcode.NOP, Opcode.SOCKET).build();
        int res = PolicyScope.call(wide, () -> {
            try (Ring ring = Ring.open(RingOptions.defaults().entries(4))) {
                return OneShot.run(ring, 3, s -> s.prepSocket(2, 1, 0, 0));
            }
        });
        check("a scope cannot widen the base", res == -13);
        check("current() without a scope is the base", PolicyScope.current().orElseThrow().equals(base));
        System.out.println("ALL OK");
    }

    private static void check(String what, boolean ok) {
        System.out.println((ok ? "OK " : "FAIL ") + what);
        if (!ok) {
            System.exit(1);
        }
    }
}
