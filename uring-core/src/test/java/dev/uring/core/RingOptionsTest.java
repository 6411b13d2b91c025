package dev.uring.core;

import static dev.uring.core.TestRing.await;
import static dev.uring.core.TestRing.byUserData;
import static dev.uring.core.TestRing.one;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.uring.core.TestRing.Cqe;
import dev.uring.core.ffi.Errno;
import dev.uring.core.ffi.IoUringConstants;
import dev.uring.core.ffi.Native;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Each ring setup option on a real ring, checked by running ops on it. */
@Timeout(60)
class RingOptionsTest {
    @TempDir
    Path dir;

    private static void nops(Ring ring, int n) throws Exception {
        for (int i = 0; i < n; i++) {
            ring.nextSqe().prepNop().userData(i);
        }
        List<Cqe> cqes = await(ring, n);
        assertThat(cqes).extracting(Cqe::userData).doesNotHaveDuplicates().hasSize(n);
    }

    @Test
    void sqpollRingCompletesOpsSubmittedWithoutEnteringTheKernelToWait() throws Exception {
        try (Ring ring = Ring.open(RingOptions.defaults().entries(8).sqPoll(1, -1).setupHooks(false))) {
            assertThat(ring.flags() & SetupFlags.SQPOLL).isNotZero();
            for (int round = 0; round < 20; round++) {
                Thread.sleep(3); // past the 1 ms idle: the SQ thread sleeps and needs a wake-up
                ring.nextSqe().prepNop().userData(round);
                ring.submit();
                int[] seen = {0};
                long deadline = System.nanoTime() + 5_000_000_000L;
                while (seen[0] == 0 && System.nanoTime() < deadline) {
                    // only reap: a missed wake-up would leave the SQE unconsumed forever
                    ring.reapCqes((ud, res, f) -> seen[0]++);
                    Thread.onSpinWait();
                }
                assertThat(seen[0]).as("round %d completed without a waiting enter", round).isEqualTo(1);
            }
        }
    }

    @Test
    void sqpollTimedWaitWakesTheSleepingSqThread() throws Exception {
        try (Ring ring = Ring.open(RingOptions.defaults().entries(8).sqPoll(1, -1).setupHooks(false))) {
            for (int round = 0; round < 5; round++) {
                Thread.sleep(5); // past the 1 ms idle: the SQ thread sleeps
                ring.nextSqe().prepNop().userData(round);
                ring.submitAndWait(1, 3_000_000_000L);
                assertThat(ring.cqReady()).as("round %d: the NOP completed within the wait", round).isEqualTo(1);
                ring.reapCqes((ud, res, f) -> { });
            }
        }
    }

    @Test
    void submitAllKeepsSubmittingPastAFailingSqe() throws Exception {
        try (Ring ring = Ring.open(RingOptions.defaults().entries(8).flags(SetupFlags.SUBMIT_ALL).setupHooks(false));
                Arena a = Arena.ofConfined()) {
            ring.nextSqe().prepNop().userData(1);
            ring.nextSqe().prepRead(999_999, a.allocate(4), 0).userData(2);
            ring.nextSqe().prepNop().userData(3);
            assertThat(ring.submit()).isEqualTo(3);
            List<Cqe> cqes = await(ring, 3);
            assertThat(byUserData(cqes, 2).res()).isEqualTo(-Errno.EBADF);
            assertThat(byUserData(cqes, 3).res()).isZero();
        }
    }

    @Test
    void coopTaskrunWithTaskrunFlagCompletesAPipeRead() throws Exception {
        try (Ring ring = Ring.open(RingOptions.defaults().entries(8)
                .flags(SetupFlags.COOP_TASKRUN | SetupFlags.TASKRUN_FLAG).setupHooks(false)); Arena a = Arena.ofConfined()) {
            TestRing.Pipe p = TestRing.pipe(ring, a, dir, "fifo");
            MemorySegment buf = a.allocate(3);
            ring.nextSqe().prepRead(p.readFd(), buf, -1).userData(1);
            ring.submit();
            ring.nextSqe().prepWrite(p.writeFd(), a.allocateFrom("abc").asSlice(0, 3), -1).userData(2);
            List<Cqe> cqes = await(ring, 2);
            assertThat(byUserData(cqes, 1).res()).isEqualTo(3);
            assertThat(TestRing.string(buf, 3)).isEqualTo("abc");
            TestRing.close(ring, p.readFd());
            TestRing.close(ring, p.writeFd());
        }
    }

    @Test
    void noSqarrayRingRunsOps() throws Exception {
        assumeTrue(KernelFeature.NO_SQARRAY.isAvailable(), KernelFeature.NO_SQARRAY::missing);
        try (Ring ring = Ring.open(RingOptions.defaults().entries(4).flags(SetupFlags.NO_SQARRAY).setupHooks(false))) {
            for (int i = 0; i < 5; i++) {
                nops(ring, 4);
            }
        }
    }

    @Test
    void disabledRingRefusesSubmissionUntilEnabled() throws Exception {
        try (Ring ring = Ring.open(RingOptions.defaults().entries(4).flags(SetupFlags.R_DISABLED).setupHooks(false))) {
            assertThat(ring.isEnabled()).isFalse();
            ring.nextSqe().prepNop().userData(1);
            assertThatThrownBy(ring::submit).isInstanceOf(UringException.class).hasMessageContaining("EBADFD")
                    .hasMessageContaining("enable()");
            ring.enable();
            assertThat(ring.isEnabled()).isTrue();
            Cqe c = one(ring);
            assertThat(c.userData()).isEqualTo(1);
        }
    }

    @Test
    void attachWqRingSharesTheWorkerPoolAndRunsOps() throws Exception {
        try (Ring first = TestRing.open(4);
                Ring second = Ring.open(RingOptions.defaults().entries(4).attachWq(first).setupHooks(false))) {
            assertThat(second.flags() & SetupFlags.ATTACH_WQ).isNotZero();
            second.nextSqe().prepNop().flags(SqeFlags.ASYNC).userData(9);
            assertThat(one(second).userData()).isEqualTo(9);
        }
    }

    @Test
    void ioWqMaxWorkersReturnsThePreviousLimits() throws Exception {
        try (Ring ring = Ring.open(RingOptions.defaults().entries(4).ioWqMaxWorkers(3, 5).setupHooks(false))) {
            int[] previous = ring.ioWqMaxWorkers(0, 0);
            assertThat(previous).containsExactly(3, 5);
            nops(ring, 2);
        }
    }

    @Test
    void registeredRingFdStillRunsOps() throws Exception {
        try (Ring ring = Ring.open(RingOptions.defaults().entries(4).registerRingFd(true).setupHooks(false))) {
            assertThat(ring.isRingFdRegistered()).isTrue();
            nops(ring, 4);
            ring.submitAndWait(0, 1_000_000L);
            ring.registerRingFd(); // already registered: a no-op
            nops(ring, 2);
        }
    }

    @Test
    void aRegisteredRingFdRingStillWorksFromAnotherThread() throws Exception {
        try (Ring ring = Ring.open(RingOptions.defaults().entries(4).registerRingFd(true).setupHooks(false))) {
            java.util.concurrent.atomic.AtomicReference<Throwable> failure = new java.util.concurrent.atomic.AtomicReference<>();
            Thread other = Thread.ofPlatform().start(() -> {
                try {
                    nops(ring, 3);
                } catch (Throwable t) {
                    failure.set(t);
                }
            });
            other.join(20_000);
            assertThat(failure.get()).isNull();
            nops(ring, 2);
        }
    }

    @Test
    void closingARingWithARegisteredFdReleasesItsOpsAndFiles() throws Exception {
        TestRing.freePort(); // the JDK keeps a socket of its own after its first network use
        long before = TestRing.fdCount();
        int port;
        try (Arena a = Arena.ofConfined()) {
            Ring ring = Ring.open(RingOptions.defaults().entries(8).registerRingFd(true).setupHooks(false));
            int[] l = TestRing.listener(ring, a);
            port = l[1];
            ring.nextSqe().prepAccept(l[0], MemorySegment.NULL, MemorySegment.NULL, 0).userData(1);
            ring.submit();
            // the pending ACCEPT keeps the listening socket alive after its fd is closed
            TestRing.close(ring, l[0]);
            int slot = ring.registeredRingIndex();
            assertThat(slot).isNotNegative();
            ring.close();
            // the registered slot must be gone: it held a reference that kept the ring and its ops alive
            int r = Native.ioUringEnter(slot, 0, 0, IoUringConstants.IORING_ENTER_REGISTERED_RING, 0L, 0L);
            assertThat(r).as("io_uring_enter on the closed ring's registered slot").isEqualTo(-Errno.EBADF);
            assertThat(ring.isRingFdRegistered()).isFalse();
        }
        assertThat(TestRing.fdCount()).isEqualTo(before);
        long deadline = System.nanoTime() + 10_000_000_000L;
        boolean refused = false;
        while (!refused && System.nanoTime() < deadline) {
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                Thread.sleep(20);
            } catch (java.net.SocketException e) { // refused, or reset while the listener goes away
                refused = true;
            }
        }
        assertThat(refused).as("the ring's ACCEPT was cancelled and the listener closed").isTrue();
    }

    @Test
    void clampShrinksOversizedRingsToTheKernelMaximum() throws Exception {
        try (Ring ring = Ring.open(RingOptions.defaults().entries(65536).flags(SetupFlags.CLAMP).setupHooks(false))) {
            assertThat(ring.sqEntries()).isEqualTo(RingOptions.MAX_ENTRIES);
            assertThat(ring.cqEntries()).isEqualTo(RingOptions.MAX_CQ_ENTRIES);
            nops(ring, 16);
        }
    }

    @Test
    void cqSizeGivesTheAskedCompletionQueue() throws Exception {
        try (Ring ring = Ring.open(RingOptions.defaults().entries(4).cqEntries(64).setupHooks(false))) {
            assertThat(ring.cqEntries()).isEqualTo(64);
            assertThat(ring.sqEntries()).isEqualTo(4);
        }
    }
}
