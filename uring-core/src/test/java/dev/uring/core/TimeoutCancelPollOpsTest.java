package dev.uring.core;

import static dev.uring.core.TestRing.await;
import static dev.uring.core.TestRing.byUserData;
import static dev.uring.core.TestRing.one;
import static org.assertj.core.api.Assertions.assertThat;

import dev.uring.core.TestRing.Cqe;
import dev.uring.core.TestRing.Pipe;
import dev.uring.core.ffi.Errno;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** TIMEOUT, TIMEOUT_REMOVE, LINK_TIMEOUT, ASYNC_CANCEL and POLL_ADD on a FIFO that stays empty until written. */
@Timeout(30)
class TimeoutCancelPollOpsTest {
    @TempDir
    Path dir;
    private Ring ring;
    private Arena arena;
    private Pipe pipe;

    @BeforeEach
    void open() throws Exception {
        ring = TestRing.open(16);
        arena = Arena.ofConfined();
        pipe = TestRing.pipe(ring, arena, dir, "fifo");
    }

    @AfterEach
    void close() throws Exception {
        TestRing.close(ring, pipe.readFd());
        TestRing.close(ring, pipe.writeFd());
        ring.close();
        arena.close();
    }

    private void write(String s) throws Exception {
        MemorySegment seg = arena.allocateFrom(s);
        ring.nextSqe().prepWrite(pipe.writeFd(), seg.asSlice(0, s.length()), -1).userData(0x3333);
    }

    @Test
    void timeoutExpiresWithEtime() throws Exception {
        ring.nextSqe().prepTimeout(Timespec.allocate(arena, Duration.ofMillis(10)), 0, 0).userData(1);
        assertThat(one(ring).res()).isEqualTo(-Errno.ETIME);
    }

    @Test
    void timeoutWithCountCompletesWithZeroAfterThatManyCqes() throws Exception {
        ring.nextSqe().prepTimeout(Timespec.allocate(arena, Duration.ofSeconds(30)), 2, 0).userData(1);
        ring.nextSqe().prepNop().userData(2);
        ring.nextSqe().prepNop().userData(3);
        List<Cqe> cqes = await(ring, 3);
        assertThat(byUserData(cqes, 1).res()).isZero();
    }

    @Test
    void timeoutRemoveCancelsAPendingTimeout() throws Exception {
        ring.nextSqe().prepTimeout(Timespec.allocate(arena, Duration.ofSeconds(30)), 0, 0).userData(1);
        ring.submit();
        ring.nextSqe().prepTimeoutRemove(1, 0).userData(2);
        List<Cqe> cqes = await(ring, 2);
        assertThat(byUserData(cqes, 2).res()).isZero();
        assertThat(byUserData(cqes, 1).res()).isEqualTo(-Errno.ECANCELED);
    }

    @Test
    void linkTimeoutCancelsALinkedReadOnAnEmptyPipe() throws Exception {
        MemorySegment buf = arena.allocate(8);
        ring.nextSqe().prepRead(pipe.readFd(), buf, -1).flags(SqeFlags.IO_LINK).userData(1);
        ring.nextSqe().prepLinkTimeout(Timespec.allocate(arena, Duration.ofMillis(20)), 0).userData(2);
        List<Cqe> cqes = await(ring, 2);
        assertThat(byUserData(cqes, 1).res()).isIn(-Errno.ECANCELED, -Errno.EINTR);
        assertThat(byUserData(cqes, 2).res()).isEqualTo(-Errno.ETIME);
    }

    @Test
    void asyncCancelEndsAReadThatWouldWaitForever() throws Exception {
        MemorySegment buf = arena.allocate(8);
        ring.nextSqe().prepRead(pipe.readFd(), buf, -1).userData(1);
        ring.submit();
        ring.nextSqe().prepCancel(1, 0).userData(2);
        List<Cqe> cqes = await(ring, 2);
        assertThat(byUserData(cqes, 2).res()).isZero();
        assertThat(byUserData(cqes, 1).res()).isEqualTo(-Errno.ECANCELED);
    }

    @Test
    void asyncCancelOfAnUnknownUserDataAnswersEnoent() throws Exception {
        ring.nextSqe().prepCancel(0xDEAD, 0).userData(1);
        assertThat(one(ring).res()).isEqualTo(-Errno.ENOENT);
    }

    @Test
    void pollAddReportsThePipeReadableOnceWritten() throws Exception {
        ring.nextSqe().prepPollAdd(pipe.readFd(), TestRing.POLLIN).userData(1);
        ring.submit();
        assertThat(ring.cqReady()).isZero();
        write("x");
        List<Cqe> cqes = await(ring, 2);
        assertThat(byUserData(cqes, 1).res() & TestRing.POLLIN).isEqualTo(TestRing.POLLIN);
        MemorySegment buf = arena.allocate(1);
        ring.nextSqe().prepRead(pipe.readFd(), buf, -1).userData(5);
        assertThat(one(ring).res()).isEqualTo(1);
    }

    @Test
    void multishotPollPostsOneCqePerReadinessChangeWithMore() throws Exception {
        ring.nextSqe().prepPollMultishot(pipe.readFd(), TestRing.POLLIN).userData(1);
        ring.submit();
        MemorySegment buf = arena.allocate(1);
        for (int i = 0; i < 3; i++) {
            write("y");
            List<Cqe> cqes = await(ring, 2);
            Cqe poll = byUserData(cqes, 1);
            assertThat(poll.res() & TestRing.POLLIN).isEqualTo(TestRing.POLLIN);
            assertThat(CqeFlags.hasMore(poll.flags())).as("F_MORE on shot %d", i).isTrue();
            ring.nextSqe().prepRead(pipe.readFd(), buf, -1).userData(5);
            assertThat(one(ring).res()).isEqualTo(1);
        }
        ring.nextSqe().prepCancel(1, 0).userData(2);
        List<Cqe> end = await(ring, 2);
        assertThat(byUserData(end, 1).res()).isEqualTo(-Errno.ECANCELED);
        assertThat(CqeFlags.hasMore(byUserData(end, 1).flags())).isFalse();
    }
}
