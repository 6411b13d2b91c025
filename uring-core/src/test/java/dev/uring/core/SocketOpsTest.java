package dev.uring.core;

import static dev.uring.core.TestRing.await;
import static dev.uring.core.TestRing.byUserData;
import static dev.uring.core.TestRing.one;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.uring.core.TestRing.Cqe;
import dev.uring.core.buffers.ProvidedBufferRing;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Socket ops over loopback TCP: every socket is made by the SOCKET op and closed by CLOSE. */
@Timeout(30)
class SocketOpsTest {
    private Ring ring;
    private Arena arena;
    private long fdsBefore;

    @BeforeEach
    void open() throws Exception {
        TestRing.freePort(); // the JDK keeps a socket of its own after its first network use
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

    /** [client fd, server-side fd, listener fd]. */
    private int[] connectedPair() throws Exception {
        int[] l = TestRing.listener(ring, arena);
        int client = TestRing.socket(ring);
        MemorySegment addr = SocketAddresses.allocate(arena, new InetSocketAddress(InetAddress.getLoopbackAddress(), l[1]));
        MemorySegment peer = arena.allocate(SocketAddresses.STORAGE_SIZE, 8);
        MemorySegment peerLen = arena.allocate(JAVA_INT);
        peerLen.set(JAVA_INT, 0, (int) SocketAddresses.STORAGE_SIZE);
        ring.nextSqe().prepAccept(l[0], peer, peerLen, 0).userData(1);
        ring.nextSqe().prepConnect(client, addr).userData(2);
        List<Cqe> cqes = await(ring, 2);
        assertThat(byUserData(cqes, 2).res()).as("CONNECT").isZero();
        int server = byUserData(cqes, 1).res();
        assertThat(server).as("ACCEPT").isGreaterThanOrEqualTo(0);
        InetSocketAddress p = (InetSocketAddress) SocketAddresses.decode(peer, peerLen.get(JAVA_INT, 0));
        assertThat(p.getAddress()).isEqualTo(InetAddress.getLoopbackAddress());
        return new int[] {client, server, l[0]};
    }

    private void closeAll(int... fds) throws Exception {
        for (int fd : fds) {
            TestRing.close(ring, fd);
        }
    }

    @Test
    void connectAcceptSendAndRecvCarryBytesBothWays() throws Exception {
        int[] c = connectedPair();
        ring.nextSqe().prepSend(c[0], arena.allocateFrom("ping").asSlice(0, 4), 0).userData(3);
        assertThat(one(ring).res()).isEqualTo(4);
        MemorySegment buf = arena.allocate(16);
        ring.nextSqe().prepRecv(c[1], buf, 0).userData(4);
        assertThat(one(ring).res()).isEqualTo(4);
        assertThat(TestRing.string(buf, 4)).isEqualTo("ping");
        closeAll(c);
    }

    @Test
    void connectReachesAJavaServerSocket() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int fd = TestRing.socket(ring);
            ring.nextSqe().prepConnect(fd, SocketAddresses.allocate(arena, server.getLocalSocketAddress())).userData(1);
            assertThat(one(ring).res()).isZero();
            try (Socket s = server.accept(); OutputStream out = s.getOutputStream()) {
                out.write("java".getBytes());
                out.flush();
                MemorySegment buf = arena.allocate(4);
                ring.nextSqe().prepRecv(fd, buf, 0x100 /* MSG_WAITALL */).userData(2);
                assertThat(one(ring).res()).isEqualTo(4);
                assertThat(TestRing.string(buf, 4)).isEqualTo("java");
            }
            TestRing.close(ring, fd);
        }
    }

    @Test
    void multishotAcceptPostsOneCqePerConnectionWithMore() throws Exception {
        int[] l = TestRing.listener(ring, arena);
        ring.nextSqe().prepMultishotAccept(l[0], 0).userData(1);
        ring.submit();
        List<Socket> clients = new ArrayList<>();
        List<Integer> accepted = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                clients.add(new Socket(InetAddress.getLoopbackAddress(), l[1]));
                Cqe c = one(ring);
                assertThat(c.userData()).isEqualTo(1);
                assertThat(c.res()).isGreaterThanOrEqualTo(0);
                assertThat(CqeFlags.hasMore(c.flags())).isTrue();
                accepted.add(c.res());
            }
            assertThat(accepted).doesNotHaveDuplicates();
            ring.nextSqe().prepCancel(1, 0).userData(2);
            List<Cqe> end = await(ring, 2);
            assertThat(CqeFlags.hasMore(byUserData(end, 1).flags())).isFalse();
        } finally {
            for (Socket s : clients) {
                s.close();
            }
        }
        for (int fd : accepted) {
            TestRing.close(ring, fd);
        }
        TestRing.close(ring, l[0]);
    }

    @Test
    void multishotRecvFillsProvidedBuffersAndNamesTheirIds() throws Exception {
        int[] c = connectedPair();
        try (ProvidedBufferRing pbr = ProvidedBufferRing.register(ring, 3, 8, 32)) {
            ring.nextSqe().prepRecvMultishot(c[1], pbr.group(), 0).userData(10);
            ring.submit();
            List<Integer> bids = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                String msg = "msg" + i;
                ring.nextSqe().prepSend(c[0], arena.allocateFrom(msg).asSlice(0, msg.length()), 0).userData(20);
                List<Cqe> cqes = await(ring, 2);
                Cqe recv = byUserData(cqes, 10);
                assertThat(recv.res()).isEqualTo(msg.length());
                assertThat(recv.flags() & CqeFlags.BUFFER).isNotZero();
                assertThat(CqeFlags.hasMore(recv.flags())).isTrue();
                int bid = CqeFlags.bufferId(recv.flags());
                assertThat(TestRing.string(pbr.take(bid, recv.res()), msg.length())).isEqualTo(msg);
                bids.add(bid);
                if (i % 2 == 1) {
                    pbr.recycle(bid);
                }
            }
            assertThat(bids).allMatch(b -> b >= 0 && b < 8);
            assertThat(bids.subList(0, 2)).doesNotHaveDuplicates();
            ring.nextSqe().prepShutdown(c[0], 1).userData(30);
            List<Cqe> end = await(ring, 2);
            assertThat(byUserData(end, 30).res()).isZero();
            Cqe eof = byUserData(end, 10);
            assertThat(eof.res()).isZero();
            assertThat(CqeFlags.hasMore(eof.flags())).isFalse();
        }
        closeAll(c);
    }

    @Test
    void directSocketsAcceptIntoFixedSlots() throws Exception {
        // a socket in a fixed slot has no fd for bind(2): only the ops can bind and listen it
        assumeTrue(KernelFeature.BIND.isAvailable(), KernelFeature.BIND::missing);
        ring.registerFilesSparse(4);
        ring.nextSqe().prepSocketDirect(TestRing.AF_INET, TestRing.SOCK_STREAM, 0, 0, FileIndex.ALLOC).userData(1);
        int slot = one(ring).res();
        assertThat(slot).isBetween(0, 3);
        int port = TestRing.freePort();
        ring.nextSqe().prepBind(slot, SocketAddresses.allocate(arena,
                new InetSocketAddress(InetAddress.getLoopbackAddress(), port))).flags(SqeFlags.FIXED_FILE).userData(2);
        assertThat(one(ring).res()).isZero();
        ring.nextSqe().prepListen(slot, 4).flags(SqeFlags.FIXED_FILE).userData(3);
        assertThat(one(ring).res()).isZero();
        ring.nextSqe().prepAcceptDirect(slot, 0, FileIndex.ALLOC).flags(SqeFlags.FIXED_FILE).userData(4);
        ring.submit();
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            Cqe accepted = one(ring);
            assertThat(accepted.res()).isBetween(0, 3).isNotEqualTo(slot);
        }
    }

    @Test
    void sendZcPostsTheResultWithMoreThenANotification() throws Exception {
        int[] c = connectedPair();
        MemorySegment data = arena.allocate(1024);
        data.fill((byte) 'z');
        ring.nextSqe().prepSendZc(c[0], data, 0, 0).userData(5);
        List<Cqe> cqes = await(ring, 2);
        assertThat(cqes.get(0).userData()).isEqualTo(5);
        assertThat(cqes.get(0).res()).isEqualTo(1024);
        assertThat(CqeFlags.hasMore(cqes.get(0).flags())).isTrue();
        assertThat(cqes.get(1).userData()).isEqualTo(5);
        assertThat(cqes.get(1).flags() & CqeFlags.NOTIF).isNotZero();
        assertThat(CqeFlags.hasMore(cqes.get(1).flags())).isFalse();
        MemorySegment buf = arena.allocate(1024);
        ring.nextSqe().prepRecv(c[1], buf, 0x100).userData(6);
        assertThat(one(ring).res()).isEqualTo(1024);
        closeAll(c);
    }

    @Test
    void shutdownOfTheWriteSideGivesThePeerEndOfStream() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int fd = TestRing.socket(ring);
            ring.nextSqe().prepConnect(fd, SocketAddresses.allocate(arena, server.getLocalSocketAddress())).userData(1);
            assertThat(one(ring).res()).isZero();
            try (Socket s = server.accept(); InputStream in = s.getInputStream()) {
                ring.nextSqe().prepShutdown(fd, 1).userData(2);
                assertThat(one(ring).res()).isZero();
                s.setSoTimeout(10_000);
                assertThat(in.read()).isEqualTo(-1);
            }
            TestRing.close(ring, fd);
        }
    }
}
