package dev.uring.core;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.AfterProperty;
import net.jqwik.api.lifecycle.BeforeProperty;

/**
 * SQE encoding, property-based: random valid arguments for each {@code prep} method land in the
 * SQE fields where the kernel reads them ({@code struct io_uring_sqe}, offsets from
 * docs/kernel-uapi.md section 5, hard-coded here rather than taken from the ffi layout class), and
 * random invalid arguments are refused with an {@link IllegalArgumentException} naming the argument,
 * leaving no SQE behind. The ring is created R_DISABLED and nothing is ever submitted: the kernel
 * never sees these SQEs.
 */
class SqeEncodingPropertiesTest {
    // struct io_uring_sqe (64 bytes)
    private static final int OPCODE = 0;
    private static final int FLAGS = 1;
    private static final int IOPRIO = 2;
    private static final int FD = 4;
    private static final int OFF = 8;
    private static final int ADDR = 16;
    private static final int LEN = 24;
    private static final int OP_FLAGS = 28;
    private static final int USER_DATA = 32;
    private static final int BUF_INDEX = 40;
    private static final int FILE_INDEX = 44;
    private static final int ADDR3 = 48;

    private static final AtomicLong VALID = new AtomicLong();
    private static final AtomicLong INVALID = new AtomicLong();
    private static final AtomicLong ESCAPED = new AtomicLong();
    private static final AtomicLong LEFT_PREPARED = new AtomicLong();

    private Ring ring;
    private Arena arena;
    private MemorySegment sqes;
    private MemorySegment fixedBuffer;

    @BeforeProperty
    void open() throws Exception {
        // shared: jqwik shrinks on another thread
        arena = Arena.ofShared();
        fixedBuffer = arena.allocate(64 * 1024, 4096);
        openRing();
    }

    private void openRing() throws Exception {
        ring = Ring.open(RingOptions.defaults().entries(256).withFlags(SetupFlags.R_DISABLED).setupHooks(false));
        ring.registerBuffers(fixedBuffer);
        sqes = ring.sqes();
    }

    @AfterProperty
    void close() {
        ring.close();
        arena.close();
    }

    @AfterContainer
    static void figures() {
        Invariants.report("sqe-encoding", "valid_inputs", VALID.get(), "invalid_inputs", INVALID.get(),
                "escaped", ESCAPED.get(),
                "refused_but_left_prepared", LEFT_PREPARED.get());
    }

    /** The raw 64 bytes of the SQE a prep wrote, read at the kernel's offsets. */
    private record Raw(MemorySegment s) {
        int opcode() {
            return Byte.toUnsignedInt(s.get(JAVA_BYTE, OPCODE));
        }

        int flags() {
            return Byte.toUnsignedInt(s.get(JAVA_BYTE, FLAGS));
        }

        int ioprio() {
            return Short.toUnsignedInt(s.get(JAVA_SHORT, IOPRIO));
        }

        int fd() {
            return s.get(JAVA_INT, FD);
        }

        long off() {
            return s.get(JAVA_LONG, OFF);
        }

        long addr() {
            return s.get(JAVA_LONG, ADDR);
        }

        int len() {
            return s.get(JAVA_INT, LEN);
        }

        int opFlags() {
            return s.get(JAVA_INT, OP_FLAGS);
        }

        long userData() {
            return s.get(JAVA_LONG, USER_DATA);
        }

        int bufIndex() {
            return Short.toUnsignedInt(s.get(JAVA_SHORT, BUF_INDEX));
        }

        int fileIndex() {
            return s.get(JAVA_INT, FILE_INDEX);
        }

        long addr3() {
            return s.get(JAVA_LONG, ADDR3);
        }
    }

    /** Claims an SQE, runs {@code prep} on it with {@code userData}, and returns its raw bytes. */
    private Raw prep(long userData, Consumer<Sqe> prep) {
        ensureSpace();
        int index = ring.sqEntries() - ring.sqSpaceLeft();
        Sqe sqe = ring.nextSqe();
        prep.accept(sqe);
        sqe.userData(userData);
        VALID.incrementAndGet();
        return new Raw(sqes.asSlice((long) index * 64, 64));
    }

    /** Never submits: when the SQ is full, starts over on a fresh ring rather than hand anything to the kernel. */
    private void ensureSpace() {
        if (ring.sqSpaceLeft() < 2) {
            ring.close();
            try {
                openRing();
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }
    }

    /** Runs a prep that must throw IllegalArgumentException naming {@code argument}; no SQE is left. */
    private void refused(String argument, Consumer<Sqe> prep) {
        int ready = refusedNaming(argument, prep);
        assertThat(ring.sqReady()).as("a refused prep leaves no SQE for the kernel").isEqualTo(ready);
    }

    /**
     * Runs a prep that must throw IllegalArgumentException naming {@code argument}, without checking
     * the SQ (see {@link #aRefusedPrepNeverLeavesAPreparedSqe}); returns the SQEs ready before.
     */
    private int refusedNaming(String argument, Consumer<Sqe> prep) {
        ensureSpace();
        int ready = ring.sqReady();
        assertThatThrownBy(() -> prep.accept(ring.nextSqe()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(argument);
        INVALID.incrementAndGet();
        if (ring.sqReady() != ready) {
            // a prep that failed after writing its SQE: counted; later checks measure from here
            LEFT_PREPARED.incrementAndGet();
        }
        return ready;
    }

    @Provide
    Arbitrary<Integer> fds() {
        return Arbitraries.integers().between(0, Integer.MAX_VALUE);
    }

    @Provide
    Arbitrary<Long> offsets() {
        return Arbitraries.longs().between(-1, Long.MAX_VALUE);
    }

    @Provide
    Arbitrary<Integer> sizes() {
        return Arbitraries.integers().between(0, 1 << 16);
    }

    // ------------------------------------------------------------------ valid arguments

    @Property
    void readAndWriteCarryFdBufferLengthAndOffset(@ForAll("fds") int fd, @ForAll("offsets") long offset,
            @ForAll("sizes") int size, @ForAll long userData, @ForAll boolean write) {
        MemorySegment buf = arena.allocate(Math.max(size, 1)).asSlice(0, size);
        Raw r = prep(userData, s -> {
            if (write) {
                s.prepWrite(fd, buf, offset);
            } else {
                s.prepRead(fd, buf, offset);
            }
        });
        assertThat(r.opcode()).isEqualTo(write ? 23 : 22);
        assertThat(r.fd()).isEqualTo(fd);
        assertThat(r.addr()).isEqualTo(buf.address());
        assertThat(r.len()).isEqualTo(size);
        assertThat(r.off()).isEqualTo(offset);
        assertThat(r.opFlags()).isZero();
        assertThat(r.flags()).isZero();
        assertThat(r.userData()).isEqualTo(userData);
        assertThat(r.fileIndex()).isZero();
        assertThat(r.addr3()).isZero();
    }

    @Property
    void fixedReadsAndWritesNameTheirRegisteredBuffer(@ForAll("fds") int fd, @ForAll("offsets") long offset,
            @ForAll @IntRange(min = 0, max = 65535) int from, @ForAll @IntRange(min = 0, max = 65536) int len,
            @ForAll boolean write) {
        int start = Math.min(from, 65536 - len);
        MemorySegment buf = fixedBuffer.asSlice(start, len);
        Raw r = prep(1, s -> {
            if (write) {
                s.prepWriteFixed(fd, buf, offset, 0);
            } else {
                s.prepReadFixed(fd, buf, offset, 0);
            }
        });
        assertThat(r.opcode()).isEqualTo(write ? 5 : 4);
        assertThat(r.addr()).isEqualTo(buf.address());
        assertThat(r.len()).isEqualTo(len);
        assertThat(r.off()).isEqualTo(offset);
        assertThat(r.bufIndex()).isZero();
    }

    @Property
    void readSelectNamesTheBufferGroup(@ForAll("fds") int fd, @ForAll @IntRange(min = 0) int len,
            @ForAll("offsets") long offset, @ForAll @IntRange(min = 0, max = 65535) int group) {
        Raw r = prep(2, s -> s.prepReadSelect(fd, len, offset, group));
        assertThat(r.opcode()).isEqualTo(22);
        assertThat(r.addr()).isZero();
        assertThat(r.len()).isEqualTo(len);
        assertThat(r.bufIndex()).isEqualTo(group);
        assertThat(r.flags()).isEqualTo(32); // IOSQE_BUFFER_SELECT
    }

    @Property
    void openatCarriesDirfdPathFlagsModeAndSlot(@ForAll int dirfd, @ForAll int openFlags,
            @ForAll @IntRange(min = 0, max = 07777) int mode, @ForAll @IntRange(min = -1, max = 1 << 20) int slot,
            @ForAll boolean direct) {
        MemorySegment path = arena.allocateFrom("/tmp/p" + mode);
        int flags = direct ? openFlags & ~OpenFlags.O_CLOEXEC : openFlags;
        Raw r = prep(3, s -> {
            if (direct) {
                s.prepOpenatDirect(dirfd, path, flags, mode, slot);
            } else {
                s.prepOpenat(dirfd, path, flags, mode);
            }
        });
        assertThat(r.opcode()).isEqualTo(18);
        assertThat(r.fd()).isEqualTo(dirfd);
        assertThat(r.addr()).isEqualTo(path.address());
        assertThat(r.len()).isEqualTo(mode);
        assertThat(r.opFlags()).isEqualTo(flags);
        assertThat(r.fileIndex()).isEqualTo(!direct ? 0 : slot == -1 ? 0xFFFFFFFF : slot + 1);
    }

    @Property
    void openat2PointsAtItsOpenHow(@ForAll int dirfd, @ForAll int openFlags, @ForAll @LongRange(min = 0, max = 0x3f) long resolve,
            @ForAll @IntRange(min = -1, max = 1000) int slot, @ForAll boolean direct) {
        MemorySegment path = arena.allocateFrom("/tmp/q");
        MemorySegment how = OpenHow.allocate(arena, openFlags, 0, resolve);
        Raw r = prep(4, s -> {
            if (direct) {
                s.prepOpenat2Direct(dirfd, path, how, slot);
            } else {
                s.prepOpenat2(dirfd, path, how);
            }
        });
        assertThat(r.opcode()).isEqualTo(28);
        assertThat(r.fd()).isEqualTo(dirfd);
        assertThat(r.addr()).isEqualTo(path.address());
        assertThat(r.len()).isEqualTo(24); // sizeof(struct open_how)
        assertThat(r.off()).isEqualTo(how.address());
        assertThat(how.get(JAVA_LONG, 0)).isEqualTo(Integer.toUnsignedLong(openFlags));
        assertThat(how.get(JAVA_LONG, 16)).isEqualTo(resolve);
        assertThat(r.fileIndex()).isEqualTo(!direct ? 0 : slot == -1 ? 0xFFFFFFFF : slot + 1);
    }

    @Property
    void closeStatxFsyncFallocateFtruncateFadvise(@ForAll("fds") int fd,
            @ForAll @IntRange(min = 0, max = 1 << 24) int slot,
            @ForAll int atFlags, @ForAll int mask, @ForAll boolean datasync, @ForAll int mode,
            @ForAll @LongRange(min = 0) long offset, @ForAll @LongRange(min = 1) long length) {
        Raw c = prep(5, s -> s.prepClose(fd));
        assertThat(c.opcode()).isEqualTo(19);
        assertThat(c.fd()).isEqualTo(fd);
        Raw cd = prep(6, s -> s.prepCloseDirect(slot));
        assertThat(cd.fd()).isZero();
        assertThat(cd.fileIndex()).isEqualTo(slot + 1);
        MemorySegment path = arena.allocateFrom("p");
        MemorySegment statx = arena.allocate(256);
        Raw st = prep(7, s -> s.prepStatx(fd, path, atFlags, mask, statx));
        assertThat(st.opcode()).isEqualTo(21);
        assertThat(st.addr()).isEqualTo(path.address());
        assertThat(st.len()).isEqualTo(mask);
        assertThat(st.off()).isEqualTo(statx.address());
        assertThat(st.opFlags()).isEqualTo(atFlags);
        Raw fs = prep(8, s -> s.prepFsync(fd, datasync));
        assertThat(fs.opcode()).isEqualTo(3);
        assertThat(fs.opFlags()).isEqualTo(datasync ? 1 : 0);
        Raw fa = prep(9, s -> s.prepFallocate(fd, mode, offset, length));
        assertThat(fa.opcode()).isEqualTo(17);
        assertThat(fa.off()).isEqualTo(offset);
        assertThat(fa.addr()).as("fallocate length travels in addr").isEqualTo(length);
        assertThat(fa.len()).as("fallocate mode travels in len").isEqualTo(mode);
        Raw ft = prep(10, s -> s.prepFtruncate(fd, offset));
        assertThat(ft.opcode()).isEqualTo(55);
        assertThat(ft.off()).isEqualTo(offset);
        Raw fv = prep(11, s -> s.prepFadvise(fd, offset, mode & 0x7FFFFFFF, 4));
        assertThat(fv.opcode()).isEqualTo(24);
        assertThat(fv.off()).isEqualTo(offset);
        assertThat(fv.len()).isEqualTo(mode & 0x7FFFFFFF);
        assertThat(fv.opFlags()).as("fadvise_advice shares the op flags word").isEqualTo(4);
    }

    @Property
    void pathOps(@ForAll int dirfd, @ForAll int newDirfd, @ForAll int flags, @ForAll int mode) {
        MemorySegment a = arena.allocateFrom("a");
        MemorySegment b = arena.allocateFrom("b");
        Raw u = prep(11, s -> s.prepUnlinkat(dirfd, a, flags));
        assertThat(u.opcode()).isEqualTo(36);
        assertThat(u.fd()).isEqualTo(dirfd);
        assertThat(u.addr()).isEqualTo(a.address());
        assertThat(u.opFlags()).isEqualTo(flags);
        Raw rn = prep(12, s -> s.prepRenameat(dirfd, a, newDirfd, b, flags));
        assertThat(rn.opcode()).isEqualTo(35);
        assertThat(rn.fd()).isEqualTo(dirfd);
        assertThat(rn.addr()).isEqualTo(a.address());
        assertThat(rn.len()).as("new dirfd travels in len").isEqualTo(newDirfd);
        assertThat(rn.off()).as("new path travels in addr2").isEqualTo(b.address());
        assertThat(rn.opFlags()).isEqualTo(flags);
        Raw mk = prep(13, s -> s.prepMkdirat(dirfd, a, mode));
        assertThat(mk.opcode()).isEqualTo(37);
        assertThat(mk.len()).isEqualTo(mode);
    }

    @Property
    void timeoutsAndCancels(@ForAll @IntRange(min = 0) int count, @ForAll int timeoutFlags, @ForAll long target,
            @ForAll int cancelFlags, @ForAll("fds") int fd, @ForAll @LongRange(min = 0, max = Long.MAX_VALUE / 2) long nanos) {
        MemorySegment ts = Timespec.allocate(arena, Duration.ofNanos(nanos));
        assertThat(ts.get(JAVA_LONG, 0)).isEqualTo(nanos / 1_000_000_000L);
        assertThat(ts.get(JAVA_LONG, 8)).isEqualTo(nanos % 1_000_000_000L);
        Raw t = prep(14, s -> s.prepTimeout(ts, count, timeoutFlags));
        assertThat(t.opcode()).isEqualTo(11);
        assertThat(t.fd()).isEqualTo(-1);
        assertThat(t.addr()).isEqualTo(ts.address());
        assertThat(t.len()).isEqualTo(1);
        assertThat(t.off()).isEqualTo(count);
        assertThat(t.opFlags()).isEqualTo(timeoutFlags);
        Raw tr = prep(15, s -> s.prepTimeoutRemove(target, timeoutFlags));
        assertThat(tr.opcode()).isEqualTo(12);
        assertThat(tr.addr()).isEqualTo(target);
        Raw lt = prep(16, s -> s.prepLinkTimeout(ts, timeoutFlags));
        assertThat(lt.opcode()).isEqualTo(15);
        assertThat(lt.addr()).isEqualTo(ts.address());
        assertThat(lt.len()).isEqualTo(1);
        Raw c = prep(17, s -> s.prepCancel(target, cancelFlags));
        assertThat(c.opcode()).isEqualTo(14);
        assertThat(c.fd()).isEqualTo(-1);
        assertThat(c.addr()).isEqualTo(target);
        assertThat(c.opFlags()).isEqualTo(cancelFlags);
        Raw cf = prep(18, s -> s.prepCancelFd(fd, cancelFlags));
        assertThat(cf.fd()).isEqualTo(fd);
        assertThat(cf.opFlags()).isEqualTo(cancelFlags | 2); // IORING_ASYNC_CANCEL_FD
    }

    @Property
    void socketOps(@ForAll int domain, @ForAll int type, @ForAll int protocol, @ForAll int flags,
            @ForAll @IntRange(min = -1, max = 1 << 20) int slot, @ForAll("fds") int fd,
            @ForAll @IntRange(min = 0) int backlog, @ForAll @IntRange(min = 0, max = 2) int how,
            @ForAll @IntRange(min = 0, max = 65535) int port, @ForAll @IntRange(min = 0, max = 65535) int group,
            @ForAll int zcFlags) throws Exception {
        Raw so = prep(20, s -> s.prepSocketDirect(domain, type, protocol, flags, slot));
        assertThat(so.opcode()).isEqualTo(45);
        assertThat(so.fd()).as("domain").isEqualTo(domain);
        assertThat(so.off()).as("type").isEqualTo(Integer.toUnsignedLong(type));
        assertThat(so.len()).as("protocol").isEqualTo(protocol);
        assertThat(so.opFlags()).isEqualTo(flags);
        assertThat(so.fileIndex()).isEqualTo(slot == -1 ? 0xFFFFFFFF : slot + 1);
        MemorySegment sa = SocketAddresses.allocate(arena, new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        assertThat(Short.toUnsignedInt(sa.get(JAVA_SHORT, 0))).isEqualTo(2);
        assertThat(Short.toUnsignedInt(Short.reverseBytes(sa.get(JAVA_SHORT, 2)))).as("port, network order").isEqualTo(port);
        Raw bi = prep(21, s -> s.prepBind(fd, sa));
        assertThat(bi.opcode()).isEqualTo(56);
        assertThat(bi.addr()).isEqualTo(sa.address());
        assertThat(bi.off()).as("addrlen in addr2").isEqualTo(sa.byteSize());
        Raw co = prep(22, s -> s.prepConnect(fd, sa));
        assertThat(co.opcode()).isEqualTo(16);
        assertThat(co.addr()).isEqualTo(sa.address());
        assertThat(co.off()).isEqualTo(sa.byteSize());
        Raw li = prep(23, s -> s.prepListen(fd, backlog));
        assertThat(li.opcode()).isEqualTo(57);
        assertThat(li.len()).isEqualTo(backlog);
        MemorySegment peer = arena.allocate(128);
        MemorySegment peerLen = arena.allocate(JAVA_INT);
        peerLen.set(JAVA_INT, 0, 128);
        Raw ac = prep(24, s -> s.prepAccept(fd, peer, peerLen, flags));
        assertThat(ac.opcode()).isEqualTo(13);
        assertThat(ac.addr()).isEqualTo(peer.address());
        assertThat(ac.off()).isEqualTo(peerLen.address());
        assertThat(ac.opFlags()).isEqualTo(flags);
        Raw am = prep(25, s -> s.prepMultishotAccept(fd, flags));
        assertThat(am.ioprio()).isEqualTo(1); // IORING_ACCEPT_MULTISHOT
        Raw ad = prep(26, s -> s.prepAcceptDirect(fd, flags, slot));
        assertThat(ad.fileIndex()).isEqualTo(slot == -1 ? 0xFFFFFFFF : slot + 1);
        MemorySegment buf = arena.allocate(64);
        Raw rv = prep(27, s -> s.prepRecv(fd, buf, flags));
        assertThat(rv.opcode()).isEqualTo(27);
        assertThat(rv.addr()).isEqualTo(buf.address());
        assertThat(rv.len()).isEqualTo(64);
        assertThat(rv.opFlags()).isEqualTo(flags);
        Raw rm = prep(28, s -> s.prepRecvMultishot(fd, group, flags));
        assertThat(rm.ioprio()).isEqualTo(2); // IORING_RECV_MULTISHOT
        assertThat(rm.bufIndex()).isEqualTo(group);
        assertThat(rm.flags()).isEqualTo(32);
        Raw se = prep(29, s -> s.prepSend(fd, buf, flags));
        assertThat(se.opcode()).isEqualTo(26);
        assertThat(se.len()).isEqualTo(64);
        Raw sz = prep(30, s -> s.prepSendZc(fd, buf, flags, zcFlags));
        assertThat(sz.opcode()).isEqualTo(47);
        assertThat(sz.ioprio()).isEqualTo(zcFlags & 0xFFFF);
        Raw sh = prep(31, s -> s.prepShutdown(fd, how));
        assertThat(sh.opcode()).isEqualTo(34);
        assertThat(sh.len()).isEqualTo(how);
        Raw pa = prep(32, s -> s.prepPollMultishot(fd, flags));
        assertThat(pa.opcode()).isEqualTo(6);
        assertThat(pa.opFlags()).isEqualTo(flags);
        assertThat(pa.len()).isEqualTo(1); // IORING_POLL_ADD_MULTI
    }

    @Property
    void messageOpsCarryTheirMsghdrFlagsAndDestination(@ForAll("fds") int fd, @ForAll int msgFlags,
            @ForAll @IntRange(min = 0, max = 65535) int group, @ForAll @IntRange(min = 0, max = 65535) int zcFlags,
            @ForAll @IntRange(min = 0, max = 65535) int port) throws Exception {
        MemorySegment msg = arena.allocate(MsgHdr.SIZE, 8);
        MemorySegment buf = arena.allocate(64);
        MemorySegment to = SocketAddresses.allocate(arena, new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        // liburing: io_uring_prep_rw(op, sqe, fd, msg, 1, 0) and msg_flags; multishot adds ioprio
        // RECV_MULTISHOT and BUFFER_SELECT with buf_group; the _ZC forms carry zc flags in ioprio
        Raw sm = prep(40, s -> s.prepSendmsg(fd, msg, msgFlags));
        assertThat(sm.opcode()).isEqualTo(9);
        assertThat(sm.fd()).isEqualTo(fd);
        assertThat(sm.addr()).isEqualTo(msg.address());
        assertThat(sm.len()).isEqualTo(1);
        assertThat(sm.opFlags()).isEqualTo(msgFlags);
        assertThat(sm.ioprio()).isZero();
        Raw rm = prep(41, s -> s.prepRecvmsg(fd, msg, msgFlags));
        assertThat(rm.opcode()).isEqualTo(10);
        assertThat(rm.flags()).isZero();
        Raw mm = prep(42, s -> s.prepRecvmsgMultishot(fd, msg, group, msgFlags));
        assertThat(mm.opcode()).isEqualTo(10);
        assertThat(mm.ioprio()).as("IORING_RECV_MULTISHOT").isEqualTo(2);
        assertThat(mm.flags()).as("BUFFER_SELECT").isEqualTo(SqeFlags.BUFFER_SELECT);
        assertThat(mm.bufIndex()).isEqualTo(group);
        assertThat(mm.addr()).isEqualTo(msg.address());
        assertThat(mm.opFlags()).isEqualTo(msgFlags);
        Raw zm = prep(43, s -> s.prepSendmsgZc(fd, msg, msgFlags, zcFlags));
        assertThat(zm.opcode()).isEqualTo(48);
        assertThat(zm.ioprio()).isEqualTo(zcFlags);
        assertThat(zm.len()).isEqualTo(1);
        // sendto: addr2 (off) and the u16 addr_len at byte 44
        Raw st = prep(44, s -> s.prepSendto(fd, buf, msgFlags, to));
        assertThat(st.opcode()).isEqualTo(26);
        assertThat(st.addr()).isEqualTo(buf.address());
        assertThat(st.len()).isEqualTo(64);
        assertThat(st.off()).isEqualTo(to.address());
        assertThat(st.fileIndex()).isEqualTo(16);
        Raw zt = prep(45, s -> s.prepSendZcTo(fd, buf, msgFlags, zcFlags, to));
        assertThat(zt.opcode()).isEqualTo(47);
        assertThat(zt.ioprio()).isEqualTo(zcFlags);
        assertThat(zt.off()).isEqualTo(to.address());
        assertThat(zt.fileIndex()).isEqualTo(16);
    }

    @Property
    void spliceMsgRingFilesUpdateAndFdInstall(@ForAll("fds") int fdIn, @ForAll("fds") int fdOut,
            @ForAll("offsets") long offIn, @ForAll("offsets") long offOut, @ForAll @IntRange(min = 0) int len,
            @ForAll int spliceFlags, @ForAll int res, @ForAll long userData, @ForAll int msgFlags,
            @ForAll @IntRange(min = 0, max = 1 << 20) int src, @ForAll @IntRange(min = -1, max = 1 << 20) int dst,
            @ForAll @IntRange(min = 1, max = 64) int count, @ForAll boolean cloexec) {
        Raw sp = prep(40, s -> s.prepSplice(fdIn, offIn, fdOut, offOut, len, spliceFlags));
        assertThat(sp.opcode()).isEqualTo(30);
        assertThat(sp.fd()).as("fd_out").isEqualTo(fdOut);
        assertThat(sp.off()).as("off_out").isEqualTo(offOut);
        assertThat(sp.addr()).as("splice_off_in").isEqualTo(offIn);
        assertThat(sp.fileIndex()).as("splice_fd_in").isEqualTo(fdIn);
        assertThat(sp.len()).isEqualTo(len);
        assertThat(sp.opFlags()).isEqualTo(spliceFlags);
        Raw md = prep(41, s -> s.prepMsgRing(fdOut, res, userData, msgFlags));
        assertThat(md.opcode()).isEqualTo(40);
        assertThat(md.addr()).as("IORING_MSG_DATA").isZero();
        assertThat(md.len()).isEqualTo(res);
        assertThat(md.off()).isEqualTo(userData);
        assertThat(md.opFlags()).isEqualTo(msgFlags);
        Raw mf = prep(42, s -> s.prepMsgRingFd(fdOut, src, dst, userData, msgFlags));
        assertThat(mf.addr()).as("IORING_MSG_SEND_FD").isEqualTo(1);
        assertThat(mf.addr3()).isEqualTo(src);
        assertThat(mf.fileIndex()).isEqualTo(dst == -1 ? 0xFFFFFFFF : dst + 1);
        assertThat(mf.off()).isEqualTo(userData);
        MemorySegment fds = arena.allocate(4L * count);
        Raw fu = prep(43, s -> s.prepFilesUpdate(fds, count, dst));
        assertThat(fu.opcode()).isEqualTo(20);
        assertThat(fu.addr()).isEqualTo(fds.address());
        assertThat(fu.len()).isEqualTo(count);
        assertThat(fu.off()).isEqualTo(dst == -1 ? 0xFFFFFFFFL : dst);
        Raw fi = prep(44, s -> s.prepFixedFdInstall(src, cloexec));
        assertThat(fi.opcode()).isEqualTo(54);
        assertThat(fi.fd()).isEqualTo(src);
        assertThat(fi.flags()).isEqualTo(1); // IOSQE_FIXED_FILE
        assertThat(fi.opFlags()).isEqualTo(cloexec ? 0 : 1); // IORING_FIXED_FD_NO_CLOEXEC
    }

    @Property
    void flagsSurviveThePrepAndVectorsCarryTheirCount(@ForAll @IntRange(min = 0, max = 0x7f) int flags,
            @ForAll @IntRange(min = 1, max = 16) int vecs, @ForAll("fds") int fd) {
        int valid = (flags & 4) != 0 ? flags & ~8 : flags; // IO_LINK and IO_HARDLINK are exclusive
        IoVecs v = IoVecs.of(arena, java.util.Collections.nCopies(vecs, arena.allocate(16)));
        Raw r = prep(50, s -> s.flags(valid).prepReadv(fd, v, 0));
        assertThat(r.flags()).as("flags set before the prep").isEqualTo(valid);
        assertThat(r.opcode()).isEqualTo(1);
        assertThat(r.len()).isEqualTo(vecs);
        assertThat(r.addr()).isEqualTo(v.address());
        Raw w = prep(51, s -> s.prepWritev(fd, v, 0).flags(valid));
        assertThat(w.flags()).as("flags set after the prep").isEqualTo(valid);
        assertThat(w.opcode()).isEqualTo(2);
    }

    // ------------------------------------------------------------------ invalid arguments

    @Property
    void negativeFdsAreRefusedNamingTheFd(@ForAll @IntRange(min = Integer.MIN_VALUE, max = -1) int fd) {
        MemorySegment buf = arena.allocate(8);
        List<Consumer<Sqe>> preps = List.of(s -> s.prepRead(fd, buf, 0), s -> s.prepWrite(fd, buf, 0),
                s -> s.prepClose(fd), s -> s.prepFsync(fd, false), s -> s.prepRecv(fd, buf, 0),
                s -> s.prepSend(fd, buf, 0), s -> s.prepShutdown(fd, 0), s -> s.prepListen(fd, 1),
                s -> s.prepPollAdd(fd, 1), s -> s.prepMultishotAccept(fd, 0), s -> s.prepFtruncate(fd, 0),
                s -> s.prepCancelFd(fd, 0), s -> s.prepMsgRing(fd, 0, 0, 0),
                s -> s.prepSplice(1, -1, fd, -1, 1, 0), s -> s.prepReadSelect(fd, 1, 0, 0));
        // SPLICE's fd_in is checked after the SQE is written: see aRefusedPrepNeverLeavesAPreparedSqe
        refusedNaming("file descriptor", s -> s.prepSplice(fd, -1, 1, -1, 1, 0));
        for (Consumer<Sqe> p : preps) {
            refused("file descriptor", p);
        }
    }

    @Property
    void badOffsetsLengthsAndCountsAreRefusedNamingThem(
            @ForAll @LongRange(min = Long.MIN_VALUE, max = -2) long offset,
            @ForAll @IntRange(min = Integer.MIN_VALUE, max = -1) int negative,
            @ForAll @IntRange(min = 3) int how, @ForAll @IntRange(min = 65536) int group,
            @ForAll @IntRange(min = Integer.MIN_VALUE, max = -2) int slot) {
        MemorySegment buf = arena.allocate(8);
        refused("offset", s -> s.prepRead(3, buf, offset));
        refused("offset", s -> s.prepWrite(3, buf, offset));
        refused("offset", s -> s.prepSplice(3, offset, 4, -1, 1, 0));
        refused("offset", s -> s.prepFallocate(3, 0, offset, 1));
        refused("length", s -> s.prepFallocate(3, 0, 0, negative));
        refused("length", s -> s.prepFtruncate(3, negative));
        refused("offset", s -> s.prepFadvise(3, offset, 0, 4));
        refused("length", s -> s.prepFadvise(3, 0, negative, 4));
        refused("advice", s -> s.prepFadvise(3, 0, 0, how + 3));
        refused("length", s -> s.prepSplice(3, -1, 4, -1, negative, 0));
        refused("length", s -> s.prepReadSelect(3, negative, 0, 0));
        refused("backlog", s -> s.prepListen(3, negative));
        refused("count", s -> s.prepTimeout(Timespec.allocate(arena, Duration.ofSeconds(1)), negative, 0));
        refused("count", s -> s.prepFilesUpdate(arena.allocate(4), negative, 0));
        refused("how", s -> s.prepShutdown(3, how));
        refused("how", s -> s.prepShutdown(3, negative));
        refusedNaming("buffer group", s -> s.prepReadSelect(3, 1, 0, group));
        refusedNaming("buffer group", s -> s.prepRecvMultishot(3, negative, 0));
        refusedNaming("slot", s -> s.prepCloseDirect(slot));
        refusedNaming("slot", s -> s.prepOpenatDirect(AtFlags.FDCWD, arena.allocateFrom("x"), 0, 0, slot));
        refusedNaming("slot", s -> s.prepSocketDirect(2, 1, 0, 0, slot));
        refusedNaming("slot", s -> s.prepMsgRingFd(3, 0, slot, 0, 0));
        refused("slot", s -> s.prepFixedFdInstall(negative, true));
    }

    @Property
    void badMemoryIsRefusedNamingIt(@ForAll @IntRange(min = 1, max = 200) int size, @ForAll("fds") int fd,
            @ForAll @IntRange(min = 0x80, max = 0xff) int badFlag) {
        MemorySegment heap = MemorySegment.ofArray(new byte[size]);
        refused("native", s -> s.prepRead(fd, heap, 0));
        refused("native", s -> s.prepSend(fd, heap, 0));
        refused("read-only", s -> s.prepRead(fd, arena.allocate(size).asReadOnly(), 0));
        byte[] text = new byte[size];
        java.util.Arrays.fill(text, (byte) 'a');
        MemorySegment unterminated = arena.allocate(size);
        MemorySegment.copy(text, 0, unterminated, JAVA_BYTE, 0, size);
        refused("NUL-terminated", s -> s.prepOpenat(AtFlags.FDCWD, unterminated, 0, 0));
        refused("NUL-terminated", s -> s.prepUnlinkat(AtFlags.FDCWD, unterminated, 0));
        refused("path must be a native", s -> s.prepMkdirat(AtFlags.FDCWD, MemorySegment.ofArray(new byte[] {'a', 0}), 0));
        MemorySegment small = arena.allocate(Math.min(size, 15));
        refused("timespec", s -> s.prepTimeout(small, 0, 0));
        refused("timespec", s -> s.prepLinkTimeout(small, 0));
        refused("open_how", s -> s.prepOpenat2(AtFlags.FDCWD, arena.allocateFrom("x"), small));
        refused("statx buffer", s -> s.prepStatx(AtFlags.FDCWD, arena.allocateFrom("x"), 0, 0, small));
        refused("sockaddr", s -> s.prepConnect(fd, arena.allocate(1)));
        refused("fd array", s -> s.prepFilesUpdate(arena.allocate(4), size + 1, 0));
        refused("O_CLOEXEC", s -> s.prepOpenatDirect(AtFlags.FDCWD, arena.allocateFrom("x"), OpenFlags.O_CLOEXEC, 0, 0));
        refused("unknown SQE flag", s -> s.flags(badFlag));
        refused("exclusive", s -> s.flags(SqeFlags.IO_LINK | SqeFlags.IO_HARDLINK));
        refused("registered buffer", s -> s.prepReadFixed(fd, arena.allocate(size), 0, 0));
        refused("out of range", s -> s.prepReadFixed(fd, fixedBuffer.asSlice(0, size), 0, 1 + size));
    }

    /**
     * A prep that throws must leave no prepared SQE: the ring would hand it to the kernel at the
     * next submit (an OPENAT or SOCKET meant for a fixed slot would then make a plain fd that no one
     * closes, a SPLICE would run with half its arguments). These preps check one argument only after
     * the SQE is written.
     */
    @Property(tries = 100)
    void aRefusedPrepNeverLeavesAPreparedSqe(@ForAll @IntRange(min = Integer.MIN_VALUE, max = -2) int slot,
            @ForAll @IntRange(min = Integer.MIN_VALUE, max = -1) int fd, @ForAll @IntRange(min = 65536) int group) {
        MemorySegment path = arena.allocateFrom("x");
        MemorySegment how = OpenHow.allocate(arena, 0, 0, 0);
        refused("file descriptor", s -> s.prepSplice(fd, -1, 1, -1, 1, 0));
        refused("buffer group", s -> s.prepReadSelect(3, 1, 0, group));
        refused("buffer group", s -> s.prepRecvMultishot(3, group, 0));
        refused("slot", s -> s.prepCloseDirect(slot));
        refused("slot", s -> s.prepOpenatDirect(AtFlags.FDCWD, path, 0, 0, slot));
        refused("slot", s -> s.prepOpenat2Direct(AtFlags.FDCWD, path, how, slot));
        refused("slot", s -> s.prepSocketDirect(2, 1, 0, 0, slot));
        refused("slot", s -> s.prepAcceptDirect(3, 0, slot));
        refused("slot", s -> s.prepMsgRingFd(3, 0, slot, 0, 0));
        refused("slot", s -> s.prepMsgRingFd(3, slot, 0, 0, 0));
    }

    /**
     * Arbitrary ints and longs into every prep that takes plain numbers: the prep either encodes
     * them or throws IllegalArgumentException; nothing else escapes, nothing crashes.
     */
    @Property
    void arbitraryNumbersNeverEscapeAsAnythingButIllegalArgument(@ForAll int a, @ForAll int b, @ForAll int c,
            @ForAll long x, @ForAll long y, @ForAll @IntRange(min = 0, max = 30) int which) {
        MemorySegment buf = arena.allocate(16);
        MemorySegment path = arena.allocateFrom("p");
        MemorySegment ts = Timespec.allocate(arena, Duration.ofMillis(1));
        Consumer<Sqe> p = switch (which) {
            case 0 -> s -> s.prepRead(a, buf, x);
            case 1 -> s -> s.prepWrite(a, buf, x);
            case 2 -> s -> s.prepReadSelect(a, b, x, c);
            case 3 -> s -> s.prepOpenatDirect(a, path, b, c, (int) x);
            case 4 -> s -> s.prepCloseDirect(a);
            case 5 -> s -> s.prepFallocate(a, b, x, y);
            case 6 -> s -> s.prepFtruncate(a, x);
            case 7 -> s -> s.prepTimeout(ts, a, b);
            case 8 -> s -> s.prepTimeoutRemove(x, a);
            case 9 -> s -> s.prepCancel(x, a);
            case 10 -> s -> s.prepCancelFd(a, b);
            case 11 -> s -> s.prepPollAdd(a, b);
            case 12 -> s -> s.prepSocketDirect(a, b, c, (int) x, (int) y);
            case 13 -> s -> s.prepListen(a, b);
            case 14 -> s -> s.prepMultishotAccept(a, b);
            case 15 -> s -> s.prepAcceptDirect(a, b, c);
            case 16 -> s -> s.prepRecv(a, buf, b);
            case 17 -> s -> s.prepRecvMultishot(a, b, c);
            case 18 -> s -> s.prepSendZc(a, buf, b, c);
            case 19 -> s -> s.prepShutdown(a, b);
            case 20 -> s -> s.prepSplice(a, x, b, y, c, a ^ b);
            case 21 -> s -> s.prepMsgRing(a, b, x, c);
            case 22 -> s -> s.prepMsgRingFd(a, b, c, x, (int) y);
            case 23 -> s -> s.prepFilesUpdate(arena.allocate(64), a, b);
            case 24 -> s -> s.prepFixedFdInstall(a, (b & 1) == 0);
            case 25 -> s -> s.bufferGroup(a).prepNop();
            case 26 -> s -> s.flags(a).prepNop();
            case 27 -> s -> s.prepReadFixed(a, fixedBuffer.asSlice(0, 16), x, b);
            case 28 -> s -> s.prepFsync(a, b < 0);
            case 29 -> s -> s.prepStatx(a, path, b, c, arena.allocate(256));
            default -> s -> s.prepBare(Opcode.of(Math.floorMod(a, Opcode.values().length)));
        };
        ensureSpace();
        int ready = ring.sqReady();
        try {
            prep(x ^ y, p);
        } catch (IllegalArgumentException e) {
            assertThat(e.getMessage()).isNotBlank();
            INVALID.incrementAndGet();
            if (ring.sqReady() != ready) {
                LEFT_PREPARED.incrementAndGet(); // asserted in aRefusedPrepNeverLeavesAPreparedSqe
            }
        } catch (RuntimeException | Error e) {
            ESCAPED.incrementAndGet();
            throw e;
        }
    }
}
