package dev.uring.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uring.core.ffi.Errno;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A claim writes only the SQE fields it must (see {@link Sqe}); these tests reuse the one slot of a
 * one-entry ring, so that whatever an earlier op left in the slot would reach the kernel.
 */
class SqeSlotReuseTest {
    /** An unregistered personality: the kernel fails any SQE carrying it with -EINVAL. */
    private static final int BAD_PERSONALITY = 7;

    @Test
    void personalityOfAnEarlierOpDoesNotReachTheNextOpInTheSlot() throws IOException {
        try (Ring ring = Ring.open(RingOptions.defaults().entries(1))) {
            ring.nextSqe().prepNop().personality(BAD_PERSONALITY).userData(1);
            assertThat(roundTrip(ring)).containsExactly(new long[] {1, -Errno.EINVAL});
            ring.nextSqe().prepNop().userData(2);
            assertThat(roundTrip(ring)).containsExactly(new long[] {2, 0});
        }
    }

    @Test
    void fileIndexOfAnEarlierOpIsZeroForTheNextOpInTheSlot() throws IOException {
        try (Ring ring = Ring.open(RingOptions.defaults().entries(1))) {
            Sqe close = ring.nextSqe().prepCloseDirect(3).userData(1);
            assertThat(close.fileIndex()).isEqualTo(4);
            roundTrip(ring);
            Sqe nop = ring.nextSqe().prepNop().userData(2);
            assertThat(nop.fileIndex()).isZero();
            assertThat(roundTrip(ring)).containsExactly(new long[] {2, 0});
        }
    }

    @Test
    void userDataIsZeroUnlessSet() throws IOException {
        try (Ring ring = Ring.open(RingOptions.defaults().entries(1))) {
            ring.nextSqe().prepNop().userData(42);
            roundTrip(ring);
            Sqe nop = ring.nextSqe().prepNop();
            assertThat(nop.userDataValue()).isZero();
            assertThat(roundTrip(ring)).containsExactly(new long[] {0, 0});
        }
    }

    @Test
    void userDataIsZeroUnlessSetWhenMoreSqesFollowInTheSameSubmit() throws IOException {
        // the zero of an SQE prepared without user_data is written when the next claim moves on
        try (Ring ring = Ring.open(RingOptions.defaults().entries(2))) {
            ring.nextSqe().prepNop().userData(41);
            ring.nextSqe().prepNop().userData(42);
            assertThat(roundTrip(ring, 2)).containsExactly(new long[] {41, 0}, new long[] {42, 0});
            ring.nextSqe().prepNop();
            ring.nextSqe().prepNop().userData(7);
            assertThat(roundTrip(ring, 2)).containsExactly(new long[] {0, 0}, new long[] {7, 0});
            ring.nextSqe().prepNop().userData(8);
            ring.nextSqe().prepNop();
            assertThat(roundTrip(ring, 2)).containsExactly(new long[] {8, 0}, new long[] {0, 0});
        }
    }

    @Test
    void fieldsSetBeforePrepAreKept() throws IOException {
        try (Ring ring = Ring.open(RingOptions.defaults().entries(1))) {
            Sqe sqe = ring.nextSqe().userData(9).flags(SqeFlags.IO_DRAIN).prepNop();
            assertThat(sqe.flagsValue()).isEqualTo(SqeFlags.IO_DRAIN);
            assertThat(sqe.userDataValue()).isEqualTo(9);
            assertThat(roundTrip(ring)).containsExactly(new long[] {9, 0});
            ring.nextSqe().personality(BAD_PERSONALITY).prepNop().userData(10);
            assertThat(roundTrip(ring)).containsExactly(new long[] {10, -Errno.EINVAL});
        }
    }

    @Test
    void aThrowingPrepLeavesNothingForTheNextClaim() throws IOException {
        try (Ring ring = Ring.open(RingOptions.defaults().entries(1))) {
            Sqe sqe = ring.nextSqe().personality(BAD_PERSONALITY);
            try {
                sqe.prepRead(-1, java.lang.foreign.MemorySegment.NULL, 0);
            } catch (IllegalArgumentException expected) {
                // the claim stays unprepared: the next nextSqe() reuses the slot
            }
            ring.nextSqe().prepNop().userData(3);
            assertThat(roundTrip(ring)).containsExactly(new long[] {3, 0});
        }
    }

    /** Submits what is prepared, waits for one CQE and returns each CQE as {user_data, res}. */
    private static List<long[]> roundTrip(Ring ring) throws IOException {
        return roundTrip(ring, 1);
    }

    /** Submits what is prepared, waits for {@code n} CQEs and returns each CQE as {user_data, res}. */
    private static List<long[]> roundTrip(Ring ring, int n) throws IOException {
        ring.submitAndWait(n);
        List<long[]> cqes = new ArrayList<>();
        ring.reapCqes((ud, res, flags) -> cqes.add(new long[] {ud, res}));
        return cqes;
    }
}
