package dev.uring.core;

import static dev.uring.core.TestRing.await;
import static dev.uring.core.TestRing.byUserData;
import static dev.uring.core.TestRing.one;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.uring.core.TestRing.Cqe;
import dev.uring.core.buffers.ProvidedBufferRing;
import dev.uring.core.ffi.Errno;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** SENDMSG, RECVMSG (single and multishot), SEND_ZC and SENDMSG_ZC over loopback UDP, sockets made by the ring. */
@Timeout(30)
class DatagramOpsTest {
    private Ring ring;
    private Arena arena;
    private long fdsBefore;

    @BeforeEach
    void open() throws Exception {
        TestRing.freePort();
        fdsBefore = TestRing.fdCount();
        ring = TestRing.open(32);
        arena = Arena.ofConfined();
    }

    @AfterEach
    void close() throws Exception {
        ring.close();
        arena.close();
        assertThat(TestRing.fdCount()).as("fds after the test: %s", TestRing.fdList()).isEqualTo(fdsBefore);
    }

    /** A UDP socket bound to an ephemeral port of {@code host}. */
    private int udp(InetAddress host) throws IOException {
        int family = host instanceof Inet6Address ? SocketAddresses.AF_INET6 : SocketAddresses.AF_INET;
        ring.nextSqe().prepSocket(family, SocketFlags.SOCK_DGRAM | SocketFlags.SOCK_CLOEXEC, 0, 0).userData(1);
        int fd = one(ring).res();
        assertThat(fd).as("SOCKET").isGreaterThanOrEqualTo(0);
        if (KernelFeature.BIND.isAvailable()) {
            ring.nextSqe().prepBind(fd, SocketAddresses.allocate(arena, new InetSocketAddress(host, 0))).userData(2);
            assertThat(one(ring).res()).as("BIND").isZero();
        } else {
            SocketCalls.bind(fd, new InetSocketAddress(host, 0)); // before 6.11, as the framework does
        }
        return fd;
    }

    private static MemorySegment bytes(Arena arena, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        MemorySegment m = arena.allocate(b.length);
        MemorySegment.copy(MemorySegment.ofArray(b), 0, m, 0, b.length);
        return m;
    }

    private MsgHdr to(int fd, String text) throws IOException {
        return MsgHdr.of(arena, SocketAddresses.allocate(arena, SocketNames.local(fd)), bytes(arena, text));
    }

    @Test
    void sendmsgToAnAddressAndRecvmsgReportTheSenderAndTheBytes() throws Exception {
        int a = udp(InetAddress.getLoopbackAddress());
        int b = udp(InetAddress.getLoopbackAddress());
        ring.nextSqe().prepSendmsg(a, to(b, "hello").segment(), 0).userData(3);
        assertThat(one(ring).res()).isEqualTo(5);
        MemorySegment name = arena.allocate(SocketAddresses.STORAGE_SIZE, 8);
        MemorySegment buf = arena.allocate(64);
        MsgHdr in = MsgHdr.of(arena, name, buf);
        ring.nextSqe().prepRecvmsg(b, in.segment(), 0).userData(4);
        assertThat(one(ring).res()).isEqualTo(5);
        assertThat(TestRing.string(buf, 5)).isEqualTo("hello");
        assertThat(SocketAddresses.decode(name, in.nameLength())).isEqualTo(SocketNames.local(a));
        assertThat(in.flags() & SocketFlags.MSG_TRUNC).isZero();
        TestRing.close(ring, a);
        TestRing.close(ring, b);
    }

    @Test
    void recvmsgOfALongerDatagramSetsMsgTruncAndReportsTheFullLength() throws Exception {
        int a = udp(InetAddress.getLoopbackAddress());
        int b = udp(InetAddress.getLoopbackAddress());
        ring.nextSqe().prepSendmsg(a, to(b, "0123456789").segment(), 0).userData(3);
        assertThat(one(ring).res()).isEqualTo(10);
        MemorySegment buf = arena.allocate(4);
        MsgHdr in = MsgHdr.of(arena, arena.allocate(SocketAddresses.STORAGE_SIZE, 8), buf);
        ring.nextSqe().prepRecvmsg(b, in.segment(), SocketFlags.MSG_TRUNC).userData(4);
        assertThat(one(ring).res()).as("full length with MSG_TRUNC").isEqualTo(10);
        assertThat(in.flags() & SocketFlags.MSG_TRUNC).as("msg_flags").isNotZero();
        assertThat(TestRing.string(buf, 4)).isEqualTo("0123");
        TestRing.close(ring, a);
        TestRing.close(ring, b);
    }

    @Test
    void multishotRecvmsgPostsOneBufferPerDatagramInTheRecvmsgOutLayout() throws Exception {
        int a = udp(InetAddress.getLoopbackAddress());
        int b = udp(InetAddress.getLoopbackAddress());
        try (ProvidedBufferRing pbr = ProvidedBufferRing.register(ring, 7, 8, 64)) {
            String big = "x".repeat(100);
            // 64-byte buffers: 16 header + 32 name room leave 16 bytes of payload
            MsgHdr small = MsgHdr.multishotTemplate(arena, 32, 0);
            ring.nextSqe().prepRecvmsgMultishot(b, small.segment(), pbr.group(), SocketFlags.MSG_TRUNC).userData(11);
            ring.submit();
            for (String s : List.of("one", "two", big)) {
                ring.nextSqe().prepSendmsg(a, to(b, s).segment(), 0).userData(12);
                List<Cqe> two = await(ring, 2);
                assertThat(byUserData(two, 12).res()).isEqualTo(s.length());
                Cqe c = byUserData(two, 11);
                assertThat(CqeFlags.hasMore(c.flags())).isTrue();
                int bid = CqeFlags.bufferId(c.flags());
                MemorySegment got = pbr.take(bid, c.res());
                assertThat(RecvmsgOut.payloadLength(got)).as("real length").isEqualTo(s.length());
                SocketAddress from = SocketAddresses.decode(RecvmsgOut.name(got, small), RecvmsgOut.nameLength(got));
                assertThat(from).isEqualTo(SocketNames.local(a));
                MemorySegment payload = RecvmsgOut.payload(got, small);
                if (s.length() <= 16) {
                    assertThat(RecvmsgOut.isTruncated(got)).isFalse();
                    assertThat(TestRing.string(payload, s.length())).isEqualTo(s);
                } else {
                    assertThat(RecvmsgOut.isTruncated(got)).as("MSG_TRUNC").isTrue();
                    assertThat(payload.byteSize()).isEqualTo(16);
                }
                pbr.recycle(bid);
            }
            ring.nextSqe().prepCancel(11, 0).userData(13);
            await(ring, 2);
        }
        TestRing.close(ring, a);
        TestRing.close(ring, b);
    }

    @Test
    void sendmsgOverIpv6CarriesTheV6SenderAddress() throws Exception {
        InetAddress v6 = InetAddress.getByName("::1");
        int a = udp(v6);
        int b = udp(v6);
        ring.nextSqe().prepSendmsg(a, to(b, "six").segment(), 0).userData(3);
        assertThat(one(ring).res()).isEqualTo(3);
        MemorySegment name = arena.allocate(SocketAddresses.STORAGE_SIZE, 8);
        MsgHdr in = MsgHdr.of(arena, name, arena.allocate(16));
        ring.nextSqe().prepRecvmsg(b, in.segment(), 0).userData(4);
        assertThat(one(ring).res()).isEqualTo(3);
        InetSocketAddress from = (InetSocketAddress) SocketAddresses.decode(name, in.nameLength());
        assertThat(from.getAddress()).isInstanceOf(Inet6Address.class);
        assertThat(from.getPort()).isEqualTo(((InetSocketAddress) SocketNames.local(a)).getPort());
        TestRing.close(ring, a);
        TestRing.close(ring, b);
    }

    @Test
    void sendZcPostsTheResultWithMoreThenANotificationThatFreesTheBuffer() throws Exception {
        int a = udp(InetAddress.getLoopbackAddress());
        int b = udp(InetAddress.getLoopbackAddress());
        ring.nextSqe().prepConnect(a, SocketAddresses.allocate(arena, SocketNames.local(b))).userData(3);
        assertThat(one(ring).res()).isZero();
        MemorySegment data = bytes(arena, "zero-copy");
        ring.nextSqe().prepSendZc(a, data, 0, 0).userData(4); // no REPORT_USAGE: that flag is Linux 6.2
        List<Cqe> cqes = await(ring, 2);
        Cqe result = cqes.get(0);
        Cqe notification = cqes.get(1);
        assertThat(result.res()).isEqualTo(9);
        assertThat(CqeFlags.hasMore(result.flags())).as("result says a notification follows").isTrue();
        assertThat(ZeroCopyFlags.isNotification(result.flags())).isFalse();
        assertThat(ZeroCopyFlags.isNotification(notification.flags())).isTrue();
        assertThat(CqeFlags.hasMore(notification.flags())).isFalse();
        assertThat(notification.userData()).isEqualTo(4);
        MemorySegment buf = arena.allocate(16);
        ring.nextSqe().prepRecv(b, buf, 0).userData(5);
        assertThat(one(ring).res()).isEqualTo(9);
        assertThat(TestRing.string(buf, 9)).isEqualTo("zero-copy");
        TestRing.close(ring, a);
        TestRing.close(ring, b);
    }

    @Test
    void sendmsgZcToAnAddressPostsResultAndNotification() throws Exception {
        int a = udp(InetAddress.getLoopbackAddress());
        int b = udp(InetAddress.getLoopbackAddress());
        ring.nextSqe().prepSendmsgZc(a, to(b, "msg-zc").segment(), 0, 0).userData(4);
        List<Cqe> cqes = await(ring, 2);
        assertThat(cqes.get(0).res()).isEqualTo(6);
        assertThat(ZeroCopyFlags.isNotification(cqes.get(1).flags())).isTrue();
        MemorySegment buf = arena.allocate(16);
        ring.nextSqe().prepRecv(b, buf, 0).userData(5);
        assertThat(one(ring).res()).isEqualTo(6);
        assertThat(TestRing.string(buf, 6)).isEqualTo("msg-zc");
        TestRing.close(ring, a);
        TestRing.close(ring, b);
    }

    @Test
    void sendZcToAnAddressReachesAnUnconnectedPeer() throws Exception {
        int a = udp(InetAddress.getLoopbackAddress());
        int b = udp(InetAddress.getLoopbackAddress());
        MemorySegment dest = SocketAddresses.allocate(arena, SocketNames.local(b));
        ring.nextSqe().prepSendZcTo(a, bytes(arena, "to"), 0, 0, dest).userData(4);
        List<Cqe> cqes = await(ring, 2);
        assertThat(cqes.get(0).res()).isEqualTo(2);
        assertThat(ZeroCopyFlags.isNotification(cqes.get(1).flags())).isTrue();
        MemorySegment buf = arena.allocate(16);
        ring.nextSqe().prepRecv(b, buf, 0).userData(5);
        assertThat(one(ring).res()).isEqualTo(2);
        TestRing.close(ring, a);
        TestRing.close(ring, b);
    }

    /** A RECV on {@code fd} that the kernel cuts off after {@code within} (LINK_TIMEOUT): its result. */
    private int recvWithin(int fd, MemorySegment buf, Duration within) throws IOException {
        ring.nextSqe().prepRecv(fd, buf, 0).flags(SqeFlags.IO_LINK).userData(40);
        ring.nextSqe().prepLinkTimeout(Timespec.allocate(arena, within), 0).userData(41);
        return TestRing.byUserData(TestRing.await(ring, 2), 40).res();
    }

    @Test
    @Timeout(120) // its first network-interface lookup alone can take tens of seconds under emulation (CI's 6.1 guest)
    void multicastJoinOnLoopbackDeliversAGroupDatagramAndLeaveStopsIt() throws Exception {
        NetworkInterface lo = NetworkInterface.getByInetAddress(InetAddress.getLoopbackAddress());
        assumeThat(lo).as("a loopback interface").isNotNull();
        InetAddress group = InetAddress.getByName("239.255.42.99");
        int a = udp(InetAddress.getByName("0.0.0.0"));
        int b = udp(InetAddress.getByName("0.0.0.0"));
        try {
            MulticastGroups.join(b, group, lo.getIndex());
            MulticastGroups.outgoingInterface(a, SocketAddresses.AF_INET, lo.getIndex());
            SocketOption.IP_MULTICAST_LOOP.set(a, true);
            int port = ((InetSocketAddress) SocketNames.local(b)).getPort();
            MemorySegment dest = SocketAddresses.allocate(arena, new InetSocketAddress(group, port));
            ring.nextSqe().prepSendmsg(a, MsgHdr.of(arena, dest, bytes(arena, "group")).segment(), 0).userData(3);
            int sent = one(ring).res();
            assumeThat(sent).as("this host routes multicast out of lo (errno %d)", -sent).isEqualTo(5);
            MemorySegment buf = arena.allocate(16);
            int got = recvWithin(b, buf, Duration.ofSeconds(5));
            assumeThat(got).as("lo loops multicast back here (errno %d)", -got).isEqualTo(5);
            assertThat(TestRing.string(buf, 5)).isEqualTo("group");
            MulticastGroups.leave(b, group, lo.getIndex());
            ring.nextSqe().prepSendmsg(a, MsgHdr.of(arena, dest, bytes(arena, "gone")).segment(), 0).userData(5);
            assertThat(one(ring).res()).isEqualTo(4);
            // nothing arrives: the RECV is cut off by its linked timeout (MSG_DONTWAIT is not honoured by
            // io_uring's RECV on every supported kernel, so the wait is bounded by the kernel instead)
            assertThat(recvWithin(b, buf, Duration.ofMillis(300))).as("after leaving the group").isEqualTo(-Errno.ECANCELED);
        } finally { // also when an assumption skips the rest
            TestRing.close(ring, a);
            TestRing.close(ring, b);
        }
    }
}
