package dev.uring.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uring.core.Opcode;
import dev.uring.core.RegisterOp;
import dev.uring.core.Ring;
import dev.uring.core.RingOptions;
import dev.uring.core.SetupFlags;
import dev.uring.core.Sqe;
import dev.uring.core.SqeFlags;
import java.io.IOException;
import java.util.HashSet;

/**
 * The reliability suites' shared checks for uring-policy: what "never wider" and "the same
 * decisions" mean for two policies, a scratch ring whose SQEs are prepared for filters to judge
 * but never submitted, the soak switch, and the one-line figures each suite prints.
 */
final class PolicyInvariants {
    /** Set by {@code -Psoak} (system property {@code uring.soak}): the suites run their long mode. */
    static final boolean SOAK = Boolean.getBoolean("uring.soak");

    private PolicyInvariants() {
    }

    /** Whether any SQE at all can pass {@code p}'s flag rules. */
    static boolean satisfiable(RingPolicy p) {
        return (p.sqeFlagsRequired() & ~p.sqeFlagsAllowed()) == 0;
    }

    /** Asserts that {@code narrow} allows nothing {@code wide} denies: ops, register ops, flags, filters. */
    static void assertNeverWider(RingPolicy narrow, RingPolicy wide) {
        for (Opcode op : Opcode.values()) {
            if (narrow.permits(op) && satisfiable(narrow)) {
                assertThat(wide.permits(op) && satisfiable(wide)).as("%s allowed by %s but not by %s", op, narrow, wide)
                        .isTrue();
            }
        }
        for (RegisterOp op : RegisterOp.values()) {
            if (narrow.permits(op)) {
                assertThat(wide.permits(op)).as("register %s allowed by %s but not by %s", op, narrow, wide).isTrue();
            }
        }
        for (int flags = 0; flags <= SqeFlags.ALL; flags++) {
            if (narrow.permitsFlags(flags) && !narrow.sqeOps().isEmpty()) {
                assertThat(wide.permitsFlags(flags)).as("flags 0x%x allowed by %s but not by %s", flags, narrow, wide)
                        .isTrue();
            }
        }
        assertThat(narrow.filters()).as("filters of %s keep those of %s", narrow, wide).containsAll(wide.filters());
    }

    /** Asserts {@code a} and {@code b} decide every op, register op and flag set alike, with the same filters. */
    static void assertSameDecisions(RingPolicy a, RingPolicy b) {
        assertNeverWider(a, b);
        assertNeverWider(b, a);
        assertThat(new HashSet<>(a.filters())).isEqualTo(new HashSet<>(b.filters()));
    }

    /** A ring created R_DISABLED: SQEs prepared on it are judged by filters and never reach the kernel. */
    static Ring scratchRing() throws IOException {
        return Ring.open(RingOptions.defaults().entries(4096).withFlags(SetupFlags.R_DISABLED).setupHooks(false));
    }

    /** The next SQE of {@code scratch}, reopening it (never submitting) when its SQ is full. */
    static final class Pad implements AutoCloseable {
        private Ring ring;

        Pad() throws IOException {
            ring = scratchRing();
        }

        Sqe next() throws IOException {
            if (ring.sqSpaceLeft() == 0) {
                ring.close();
                ring = scratchRing();
            }
            return ring.nextSqe();
        }

        @Override
        public void close() {
            ring.close();
        }
    }

    /** {@code ci} in the fast CI mode, {@code soak} under {@code -Psoak}. */
    static int scale(int ci, int soak) {
        return SOAK ? soak : ci;
    }

    /** Prints one line of figures for {@code suite} ({@code key=value} pairs), for the report. */
    static void report(String suite, Object... keyValues) {
        StringBuilder b = new StringBuilder("[reliability] ").append(suite).append(SOAK ? " (soak)" : " (ci)");
        for (int i = 0; i + 1 < keyValues.length; i += 2) {
            b.append(' ').append(keyValues[i]).append('=').append(keyValues[i + 1]);
        }
        System.out.println(b);
    }
}
