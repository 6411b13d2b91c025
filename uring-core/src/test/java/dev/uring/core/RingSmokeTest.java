package dev.uring.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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

    @TempDir
    Path dir;

    @Test
    void submitWithoutGetEventsLeavesDeferredCompletionsForTheNextEnterThatGetsEvents() throws Exception {
        assertThat(readCompletionsSeenAfterSubmitting(false)).as("after submitWithoutGetEvents").isZero();
        assertThat(readCompletionsSeenAfterSubmitting(true)).as("after submit").isEqualTo(1);
    }

    /**
     * A READ waits on an empty FIFO; a plain write(2) then fills it, so the READ completes by task work,
     * which DEFER_TASKRUN leaves until an enter with GETEVENTS. Returns the CQEs ready after the next
     * submit (the READ's once a wait has run).
     */
    private int readCompletionsSeenAfterSubmitting(boolean getEvents) throws Exception {
        String name = getEvents ? "events" : "noevents";
        try (Ring ring = Ring.open(RingOptions.defaults().entries(8).flags(SetupFlags.SINGLE_ISSUER | SetupFlags.DEFER_TASKRUN));
             Arena arena = Arena.ofConfined()) {
            TestRing.Pipe p = TestRing.pipe(ring, arena, dir, name);
            MemorySegment in = arena.allocate(8);
            ring.nextSqe().prepRead(p.readFd(), in, -1).userData(1);
            assertThat(ring.submitWithoutGetEvents()).isEqualTo(1);
            Files.write(dir.resolve(name), "ping".getBytes(StandardCharsets.US_ASCII));
            if (getEvents) {
                ring.submit();
            } else {
                ring.submitWithoutGetEvents();
            }
            int seen = ring.cqReady();
            ring.submitAndWait(1);
            List<Long> done = new ArrayList<>();
            ring.reapCqes((ud, res, flags) -> {
                assertThat(res).isEqualTo(4);
                done.add(ud);
            });
            assertThat(done).containsExactly(1L);
            TestRing.close(ring, p.readFd());
            TestRing.close(ring, p.writeFd());
            return seen;
        }
    }
}
