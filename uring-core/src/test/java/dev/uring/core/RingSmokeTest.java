package dev.uring.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RingSmokeTest {
    @Test
    void nopRoundTripCarriesUserData() throws Exception {
        try (Ring ring = Ring.open(RingOptions.defaults().entries(8))) {
            for (int i = 0; i < 3; i++) {
                ring.nextSqe().prepNop().userData(100 + i);
            }
            assertThat(ring.submitAndWait(3)).isEqualTo(3);
            List<Long> seen = new ArrayList<>();
            assertThat(ring.reapCqes((ud, res, flags) -> {
                assertThat(res).isZero();
                seen.add(ud);
            })).isEqualTo(3);
            assertThat(seen).containsExactly(100L, 101L, 102L);
        }
    }

    @Test
    void loopRingWithDeferTaskrunWorks() throws Exception {
        try (Ring ring = Ring.open(RingOptions.defaults().entries(8).flags(SetupFlags.SINGLE_ISSUER | SetupFlags.DEFER_TASKRUN
                | (KernelFeature.NO_SQARRAY.isAvailable() ? SetupFlags.NO_SQARRAY : 0)));
             Arena arena = Arena.ofConfined()) {
            MemorySegment path = arena.allocateFrom("/proc/self/status");
            ring.nextSqe().prepOpenat(AtFlags.FDCWD, path, OpenFlags.O_RDONLY | OpenFlags.O_CLOEXEC, 0).userData(7);
            ring.submitAndWait(1);
            int[] fd = {-1};
            ring.reapCqes((ud, res, flags) -> fd[0] = res);
            assertThat(fd[0]).isGreaterThan(2);
            MemorySegment buf = arena.allocate(64);
            ring.nextSqe().prepRead(fd[0], buf, 0).userData(8);
            ring.nextSqe().prepClose(fd[0]).userData(9).flags(0);
            ring.submitAndWait(2);
            int[] res = new int[2];
            ring.reapCqes((ud, r, flags) -> res[(int) ud - 8] = r);
            assertThat(res[0]).isEqualTo(64);
            assertThat(new String(buf.toArray(java.lang.foreign.ValueLayout.JAVA_BYTE), java.nio.charset.StandardCharsets.US_ASCII)).startsWith("Name:");
            assertThat(res[1]).isZero();
        }
    }

    @Test
    void submitWithoutGetEventsLeavesDeferredCompletionsForTheNextEnterThatGetsEvents() throws Exception {
        assertThat(timeoutCompletionsSeenAfterSubmitting(false)).as("after submitWithoutGetEvents").isZero();
        assertThat(timeoutCompletionsSeenAfterSubmitting(true)).as("after submit").isEqualTo(1);
    }

    /**
     * A 1 ms TIMEOUT, then a pause well past it: its timer has fired, and a TIMEOUT completes by task
     * work (on 6.1 as on later kernels), which DEFER_TASKRUN leaves until an enter with GETEVENTS.
     * Returns the CQEs ready after the next submit. (A READ on a FIFO was not deterministic: on 6.1
     * a FIFO is not FMODE_NOWAIT, so the READ goes to io-wq and completes whenever its worker runs.)
     */
    private int timeoutCompletionsSeenAfterSubmitting(boolean getEvents) throws Exception {
        try (Ring ring = Ring.open(RingOptions.defaults().entries(8).flags(SetupFlags.SINGLE_ISSUER | SetupFlags.DEFER_TASKRUN));
             Arena arena = Arena.ofConfined()) {
            MemorySegment ts = Timespec.allocate(arena, Duration.ofMillis(1));
            ring.nextSqe().prepTimeout(ts, 0, 0).userData(1);
            assertThat(ring.submitWithoutGetEvents()).isEqualTo(1);
            Thread.sleep(200);
            if (getEvents) {
                ring.submit();
            } else {
                ring.submitWithoutGetEvents();
            }
            int seen = ring.cqReady();
            ring.submitAndWait(1);
            List<Long> done = new ArrayList<>();
            ring.reapCqes((ud, res, flags) -> {
                assertThat(res).isEqualTo(-62); // -ETIME: the timer fired
                done.add(ud);
            });
            assertThat(done).containsExactly(1L);
            return seen;
        }
    }
}
