package dev.uring.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Bad arguments are refused with an exception naming the problem, before the kernel sees them. */
@Timeout(30)
class BadInputTest {
    private Ring ring;
    private Arena arena;

    @BeforeEach
    void open() throws Exception {
        ring = TestRing.open(4);
        arena = Arena.ofConfined();
    }

    @AfterEach
    void close() {
        ring.close();
        arena.close();
    }

    @Test
    void negativeFdsOffsetsAndLengthsAreRefused() {
        MemorySegment buf = arena.allocate(8);
        assertThatThrownBy(() -> ring.nextSqe().prepRead(-1, buf, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("READ").hasMessageContaining("file descriptor");
        assertThatThrownBy(() -> ring.nextSqe().prepWrite(3, buf, -2)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("offset");
        assertThatThrownBy(() -> ring.nextSqe().prepReadSelect(3, -1, 0, 0)).hasMessageContaining("length");
        assertThatThrownBy(() -> ring.nextSqe().prepFallocate(3, 0, -1, 10)).hasMessageContaining("offset");
        assertThatThrownBy(() -> ring.nextSqe().prepFallocate(3, 0, 0, 0)).hasMessageContaining("length");
        assertThatThrownBy(() -> ring.nextSqe().prepFtruncate(3, -1)).hasMessageContaining("length");
        assertThatThrownBy(() -> ring.nextSqe().prepSplice(3, -1, 4, -1, -5, 0)).hasMessageContaining("length");
        assertThatThrownBy(() -> ring.nextSqe().prepListen(3, -1)).hasMessageContaining("backlog");
        assertThatThrownBy(() -> ring.nextSqe().prepShutdown(3, 3)).hasMessageContaining("how");
        assertThatThrownBy(() -> ring.nextSqe().prepTimeout(Timespec.allocate(arena, Duration.ofSeconds(1)), -1, 0))
                .hasMessageContaining("count");
        assertThatThrownBy(() -> ring.nextSqe().prepCloseDirect(-3)).hasMessageContaining("slot");
        assertThatThrownBy(() -> Timespec.allocate(arena, Duration.ofSeconds(-1))).hasMessageContaining("negative");
    }

    @Test
    void aThrowingPrepLeavesNoSqeBehind() throws Exception {
        MemorySegment buf = arena.allocate(8);
        for (int i = 0; i < 3 * ring.sqEntries(); i++) {
            assertThatThrownBy(() -> ring.nextSqe().prepRead(-1, buf, 0)).isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(ring.sqSpaceLeft()).isEqualTo(ring.sqEntries());
        assertThat(ring.sqReady()).isZero();
        assertThatThrownBy(() -> ring.nextSqe().prepRead(-1, buf, 0)).isInstanceOf(IllegalArgumentException.class);
        ring.nextSqe().prepNop().userData(77);
        assertThat(ring.submit()).as("only the good SQE is submitted").isEqualTo(1);
        assertThat(TestRing.await(ring, 1)).extracting(TestRing.Cqe::userData).containsExactly(77L);
        assertThatThrownBy(() -> ring.nextSqe().prepRead(-1, buf, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThat(ring.submit()).isZero();
        ring.submitAndWait(0, 20_000_000L);
        assertThat(ring.cqReady()).as("no stray NOP with user_data 0").isZero();
    }

    @Test
    void closeOnExecIsRefusedForADirectOpenInsteadOfABareEinval() {
        MemorySegment path = arena.allocateFrom("/dev/null");
        assertThatThrownBy(() -> ring.nextSqe().prepOpenatDirect(AtFlags.FDCWD, path, OpenFlags.O_CLOEXEC, 0, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("O_CLOEXEC");
    }

    @Test
    void oversizedBuffersAreRefused() {
        MemorySegment huge = MemorySegment.ofAddress(arena.allocate(8).address()).reinterpret(Sqe.MAX_LENGTH + 1);
        assertThatThrownBy(() -> ring.nextSqe().prepWrite(3, huge, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("exceeds");
    }

    @Test
    void heapBuffersAreRefusedBecauseTheyMayMove() {
        MemorySegment heap = MemorySegment.ofArray(new byte[8]);
        assertThatThrownBy(() -> ring.nextSqe().prepRead(3, heap, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("native");
        assertThatThrownBy(() -> ring.nextSqe().prepSend(3, MemorySegment.ofBuffer(ByteBuffer.allocate(4)), 0))
                .hasMessageContaining("native");
        assertThatThrownBy(() -> IoVecs.of(arena, List.of(heap))).hasMessageContaining("native");
        assertThatThrownBy(() -> ring.nextSqe().prepOpenat(AtFlags.FDCWD, MemorySegment.ofArray("x\0".getBytes()), 0, 0))
                .hasMessageContaining("native");
    }

    @Test
    void readOnlyBuffersAreRefusedForReads() {
        MemorySegment ro = arena.allocate(8).asReadOnly();
        assertThatThrownBy(() -> ring.nextSqe().prepRead(3, ro, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("read-only");
        assertThatThrownBy(() -> ring.nextSqe().prepRecv(3, ro, 0)).hasMessageContaining("read-only");
        assertThatThrownBy(() -> ring.nextSqe().prepReadv(3, IoVecs.of(arena, List.of(ro)), 0))
                .hasMessageContaining("read-only");
        assertThatThrownBy(() -> ring.registerBuffers(ro)).hasMessageContaining("writable");
    }

    @Test
    void pathsMustBeNulTerminated() {
        MemorySegment noNul = arena.allocate(3);
        noNul.fill((byte) 'a');
        assertThatThrownBy(() -> ring.nextSqe().prepOpenat(AtFlags.FDCWD, noNul, 0, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("NUL");
    }

    @Test
    void tooSmallStructsAreRefused() {
        MemorySegment path = arena.allocateFrom("/tmp");
        assertThatThrownBy(() -> ring.nextSqe().prepStatx(AtFlags.FDCWD, path, 0, Statx.BASIC_STATS, arena.allocate(16)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("statx buffer");
        assertThatThrownBy(() -> ring.nextSqe().prepOpenat2(AtFlags.FDCWD, path, arena.allocate(8)))
                .hasMessageContaining("open_how");
        assertThatThrownBy(() -> ring.nextSqe().prepTimeout(arena.allocate(4), 0, 0)).hasMessageContaining("timespec");
        assertThatThrownBy(() -> Statx.read(arena.allocate(10))).hasMessageContaining("statx buffer");
        assertThatThrownBy(() -> ring.nextSqe().prepFilesUpdate(arena.allocate(4), 2, 0)).hasMessageContaining("fd array");
    }

    @Test
    void fixedBuffersOutsideTheRegisteredOneAreRefused() throws Exception {
        MemorySegment buf = arena.allocate(64);
        assertThatThrownBy(() -> ring.nextSqe().prepReadFixed(3, buf, 0, 0)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no registered buffers");
        ring.registerBuffers(buf.asSlice(0, 32));
        assertThatThrownBy(() -> ring.nextSqe().prepReadFixed(3, buf, 0, 0)).hasMessageContaining("not inside");
        assertThatThrownBy(() -> ring.nextSqe().prepReadFixed(3, buf.asSlice(0, 8), 0, 1)).hasMessageContaining("index");
    }

    @Test
    void aClosedRingRefusesUseWithIllegalStateNamingIt() {
        ring.close();
        assertThatThrownBy(() -> ring.nextSqe()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("ring fd " + ring.fd()).hasMessageContaining("closed");
        assertThatThrownBy(() -> ring.submit()).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> ring.reapCqes((u, r, f) -> { })).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> ring.registerFilesSparse(2)).isInstanceOf(IllegalStateException.class);
        assertThat(ring.isClosed()).isTrue();
        ring.close(); // idempotent
    }

    @Test
    void aFullSubmissionQueueRefusesAnotherSqeWithAMessage() throws Exception {
        for (int i = 0; i < ring.sqEntries(); i++) {
            ring.nextSqe().prepNop();
        }
        assertThat(ring.sqSpaceLeft()).isZero();
        assertThatThrownBy(() -> ring.nextSqe()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("submission queue full");
        ring.submitAndWait(ring.sqEntries());
        assertThat(ring.sqSpaceLeft()).isEqualTo(ring.sqEntries());
        ring.nextSqe().prepNop();
    }

    @Test
    void unknownOpcodesAreRefused() {
        assertThatThrownBy(() -> Opcode.of(200)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown io_uring opcode 200");
        assertThatThrownBy(() -> Opcode.of(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThat(Opcode.of(62)).isEqualTo(Opcode.PIPE);
    }

    @Test
    void invalidSetupFlagMixesAreRefusedNamingTheRule() {
        assertThatThrownBy(() -> Ring.open(RingOptions.defaults().flags(SetupFlags.DEFER_TASKRUN)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("DEFER_TASKRUN requires SINGLE_ISSUER");
        assertThatThrownBy(() -> Ring.open(RingOptions.defaults()
                .flags(SetupFlags.SQPOLL | SetupFlags.DEFER_TASKRUN | SetupFlags.SINGLE_ISSUER)))
                .hasMessageContaining("SQPOLL");
        assertThatThrownBy(() -> Ring.open(RingOptions.defaults().flags(1 << 30))).hasMessageContaining("0x40000000");
        assertThatThrownBy(() -> Ring.open(RingOptions.defaults().flags(SetupFlags.TASKRUN_FLAG)))
                .hasMessageContaining("TASKRUN_FLAG");
        assertThatThrownBy(() -> Ring.open(RingOptions.defaults().flags(SetupFlags.SQ_AFF))).hasMessageContaining("SQ_AFF");
        assertThatThrownBy(() -> Ring.open(RingOptions.defaults().entries(32769)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("CLAMP");
        assertThatThrownBy(() -> Ring.open(RingOptions.defaults().entries(64).cqEntries(32)))
                .hasMessageContaining("smaller than entries");
        assertThatThrownBy(() -> RingOptions.defaults().entries(0)).hasMessageContaining("entries");
        assertThatThrownBy(() -> Ring.open(RingOptions.defaults().flags(SetupFlags.ATTACH_WQ)))
                .hasMessageContaining("ATTACH_WQ");
    }

    @Test
    void invalidSqeFlagMixesAreRefused() {
        assertThatThrownBy(() -> ring.nextSqe().prepNop().flags(SqeFlags.IO_LINK | SqeFlags.IO_HARDLINK))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("exclusive");
        assertThatThrownBy(() -> ring.nextSqe().prepNop().flags(0x80)).hasMessageContaining("0x80");
        assertThatThrownBy(() -> ring.nextSqe().bufferGroup(70000)).hasMessageContaining("buffer group");
    }

    @Test
    void registerCallsWithBadArgumentsAreRefused() throws Exception {
        assertThatThrownBy(() -> ring.registerFilesSparse(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("slot");
        assertThatThrownBy(() -> ring.updateFiles(-1, 3)).hasMessageContaining("offset");
        assertThatThrownBy(() -> ring.registerBuffers()).hasMessageContaining("no buffers");
        assertThatThrownBy(() -> ring.registerBufferRing(arena.allocate(4096, 4096), 3, 0))
                .hasMessageContaining("power of two");
        assertThatThrownBy(() -> ring.registerBufferRing(arena.allocate(4096, 4096), 4, 70000))
                .hasMessageContaining("buffer group");
        assertThatThrownBy(() -> ring.registerBufferRing(arena.allocate(64, 8).asSlice(8), 4, 1))
                .hasMessageContaining("page aligned");
        assertThatThrownBy(() -> ring.ioWqMaxWorkers(-1, 0)).hasMessageContaining("negative");
        assertThatThrownBy(() -> ring.registerFileAllocRange(-1, 2)).hasMessageContaining("negative");
        assertThatThrownBy(() -> ring.registerRestrictions(List.of())).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("R_DISABLED");
        assertThatThrownBy(() -> ring.enable()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("already enabled");
        // refused by the kernel: no file table to unregister
        assertThatThrownBy(() -> ring.unregisterFiles()).isInstanceOf(UringException.class)
                .hasMessageContaining("UNREGISTER_FILES").hasMessageContaining("ENXIO");
        assertThatThrownBy(() -> ring.submitAndWait(-1)).isInstanceOf(IllegalArgumentException.class);
    }
}
