package dev.uring.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uring.core.ffi.IoUringConstants;
import java.util.BitSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A CQ too small for what was submitted: with FEAT_NODROP every CQE still arrives, exactly once. */
@Timeout(30)
class CqOverflowTest {
    private static void overflowAndReap(RingOptions options, int batches) throws Exception {
        try (Ring ring = Ring.open(options.setupHooks(false))) {
            assertThat(ring.features() & IoUringConstants.IORING_FEAT_NODROP).isNotZero();
            int perBatch = ring.sqEntries();
            int total = batches * perBatch;
            int ud = 0;
            for (int b = 0; b < batches; b++) {
                for (int i = 0; i < perBatch; i++) {
                    ring.nextSqe().prepNop().userData(ud++);
                }
                ring.submit();
            }
            BitSet seen = new BitSet(total);
            int[] duplicates = {0};
            int reaped = 0;
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (reaped < total && System.nanoTime() < deadline) {
                reaped += ring.reapCqes((u, res, flags) -> {
                    assertThat(res).isZero();
                    if (seen.get((int) u)) {
                        duplicates[0]++;
                    }
                    seen.set((int) u);
                });
                if (reaped < total) {
                    ring.submitAndWait(1, 10_000_000L);
                }
            }
            assertThat(duplicates[0]).isZero();
            assertThat(seen.cardinality()).isEqualTo(total);
            assertThat(reaped).isEqualTo(total);
            assertThat(ring.cqOverflowCount()).as("dropped CQEs").isZero();
        }
    }

    @Test
    void overflowedCompletionsAreAllReapedExactlyOnce() throws Exception {
        overflowAndReap(RingOptions.defaults().entries(8).cqEntries(16), 12);
    }

    @Test
    void overflowedCompletionsAreAllReapedWithDeferTaskrun() throws Exception {
        overflowAndReap(RingOptions.defaults().entries(8).cqEntries(16)
                .withFlags(SetupFlags.SINGLE_ISSUER | SetupFlags.DEFER_TASKRUN), 12);
    }

    @Test
    void overflowedCompletionsAreAllReapedWithCoopTaskrun() throws Exception {
        overflowAndReap(RingOptions.defaults().entries(8).cqEntries(16)
                .withFlags(SetupFlags.COOP_TASKRUN | SetupFlags.TASKRUN_FLAG), 12);
    }
}
