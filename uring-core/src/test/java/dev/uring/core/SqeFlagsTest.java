package dev.uring.core;

import static dev.uring.core.TestRing.await;
import static dev.uring.core.TestRing.byUserData;
import static dev.uring.core.TestRing.one;
import static org.assertj.core.api.Assertions.assertThat;

import dev.uring.core.TestRing.Cqe;
import dev.uring.core.TestRing.Pipe;
import dev.uring.core.buffers.ProvidedBufferRing;
import dev.uring.core.ffi.Errno;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The SQE flags, each observed through what the kernel does with it. */
@Timeout(30)
class SqeFlagsTest {
    @TempDir
    Path dir;
    private Ring ring;
    private Arena arena;

    @BeforeEach
    void open() throws Exception {
        ring = TestRing.open(16);
        arena = Arena.ofConfined();
    }

    @AfterEach
    void close() {
        ring.close();
        arena.close();
    }

    @Test
    void ioLinkChainCancelsTheRestWhenALinkFails() throws Exception {
        MemorySegment buf = arena.allocate(4);
        ring.nextSqe().prepRead(1_000_000, buf, 0).flags(SqeFlags.IO_LINK).userData(1);
        ring.nextSqe().prepNop().userData(2);
        List<Cqe> cqes = await(ring, 2);
        assertThat(byUserData(cqes, 1).res()).isEqualTo(-Errno.EBADF);
        assertThat(byUserData(cqes, 2).res()).isEqualTo(-Errno.ECANCELED);
    }

    @Test
    void ioHardlinkRunsTheNextOpEvenWhenTheLinkFails() throws Exception {
        MemorySegment buf = arena.allocate(4);
        ring.nextSqe().prepRead(1_000_000, buf, 0).flags(SqeFlags.IO_HARDLINK).userData(1);
        ring.nextSqe().prepNop().userData(2);
        List<Cqe> cqes = await(ring, 2);
        assertThat(byUserData(cqes, 1).res()).isEqualTo(-Errno.EBADF);
        assertThat(byUserData(cqes, 2).res()).isZero();
    }

    @Test
    void ioLinkOrdersAWriteBeforeTheReadOfTheSameBytes() throws Exception {
        int fd = TestRing.openat(ring, arena, dir.resolve("f").toString(), OpenFlags.O_RDWR | OpenFlags.O_CREAT, 0600);
        MemorySegment src = arena.allocateFrom("link").asSlice(0, 4);
        MemorySegment dst = arena.allocate(4);
        ring.nextSqe().prepWrite(fd, src, 0).flags(SqeFlags.IO_LINK).userData(1);
        ring.nextSqe().prepRead(fd, dst, 0).userData(2);
        List<Cqe> cqes = await(ring, 2);
        assertThat(byUserData(cqes, 2).res()).isEqualTo(4);
        assertThat(TestRing.string(dst, 4)).isEqualTo("link");
        TestRing.close(ring, fd);
    }

    @Test
    void ioDrainWaitsForEarlierOpsToComplete() throws Exception {
        Pipe p = TestRing.pipe(ring, arena, dir, "fifo");
        MemorySegment buf = arena.allocate(1);
        ring.nextSqe().prepRead(p.readFd(), buf, -1).userData(1);
        ring.nextSqe().prepNop().flags(SqeFlags.IO_DRAIN).userData(2);
        ring.submitAndWait(0);
        ring.submitAndWait(0, 50_000_000L);
        assertThat(ring.cqReady()).as("the drained NOP waits for the pending read").isZero();
        // ops after a drain wait too, so the byte comes from outside the ring
        try (java.io.FileOutputStream out = new java.io.FileOutputStream(dir.resolve("fifo").toFile())) {
            out.write('z');
        }
        List<Cqe> cqes = await(ring, 2);
        int readIdx = cqes.indexOf(byUserData(cqes, 1));
        int nopIdx = cqes.indexOf(byUserData(cqes, 2));
        assertThat(readIdx).isLessThan(nopIdx);
        TestRing.close(ring, p.readFd());
        TestRing.close(ring, p.writeFd());
    }

    @Test
    void asyncFlagStillCompletesTheOp() throws Exception {
        Files.writeString(dir.resolve("a"), "async");
        int fd = TestRing.openat(ring, arena, dir.resolve("a").toString(), OpenFlags.O_RDONLY, 0);
        MemorySegment buf = arena.allocate(5);
        ring.nextSqe().prepRead(fd, buf, 0).flags(SqeFlags.ASYNC).userData(1);
        assertThat(one(ring).res()).isEqualTo(5);
        assertThat(TestRing.string(buf, 5)).isEqualTo("async");
        TestRing.close(ring, fd);
    }

    @Test
    void cqeSkipSuccessPostsNothingOnSuccessButReportsFailure() throws Exception {
        ring.nextSqe().prepNop().flags(SqeFlags.CQE_SKIP_SUCCESS).userData(1);
        MemorySegment buf = arena.allocate(4);
        ring.nextSqe().prepRead(1_000_000, buf, 0).flags(SqeFlags.CQE_SKIP_SUCCESS).userData(2);
        ring.nextSqe().prepNop().userData(3);
        List<Cqe> cqes = await(ring, 2);
        assertThat(cqes).extracting(Cqe::userData).containsExactlyInAnyOrder(2L, 3L);
        assertThat(byUserData(cqes, 2).res()).isEqualTo(-Errno.EBADF);
        ring.submitAndWait(0, 20_000_000L);
        assertThat(ring.cqReady()).isZero();
    }

    @Test
    void bufferSelectPicksAProvidedBufferAndNamesIt() throws Exception {
        Pipe p = TestRing.pipe(ring, arena, dir, "fifo");
        try (ProvidedBufferRing pbr = ProvidedBufferRing.register(ring, 7, 4, 64)) {
            ring.nextSqe().prepWrite(p.writeFd(), arena.allocateFrom("selected").asSlice(0, 8), -1).userData(1);
            assertThat(one(ring).res()).isEqualTo(8);
            ring.nextSqe().prepReadSelect(p.readFd(), 64, -1, pbr.group()).userData(2);
            Cqe c = one(ring);
            assertThat(c.res()).isEqualTo(8);
            assertThat(c.flags() & CqeFlags.BUFFER).isNotZero();
            int bid = CqeFlags.bufferId(c.flags());
            assertThat(bid).isBetween(0, 3);
            assertThat(TestRing.string(pbr.take(bid, c.res()), 8)).isEqualTo("selected");
            pbr.recycle(bid);
        }
        TestRing.close(ring, p.readFd());
        TestRing.close(ring, p.writeFd());
    }
}
