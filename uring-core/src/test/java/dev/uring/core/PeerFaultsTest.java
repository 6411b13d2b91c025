package dev.uring.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uring.core.ffi.Errno;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Core ring socket ops (CONNECT, SEND, RECV) against loopback peers that misbehave: one that
 * resets the connection (SO_LINGER 0) while a RECV waits, one that stops reading while we send,
 * one that never writes, a port nobody listens on, and an echo peer whose data must come back
 * with the same checksum. Each op gets exactly one CQE with the errno the fault implies; the fds
 * come back to baseline.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class PeerFaultsTest {
    private static final int CHUNK = 64 * 1024;

    private static int connect(Ring ring, Arena arena, int port) throws IOException {
        int fd = TestRing.socket(ring);
        MemorySegment sa = SocketAddresses.allocate(arena, new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        ring.nextSqe().prepConnect(fd, sa).userData(0xC0);
        assertThat(TestRing.one(ring).res()).as("CONNECT").isZero();
        return fd;
    }

    /** Submits {@code op} linked to a timeout of {@code timeout}; returns {op res, timeout res}. */
    private static int[] withTimeout(Ring ring, Arena arena, Duration timeout, java.util.function.Consumer<Sqe> op)
            throws IOException {
        Sqe s = ring.nextSqe();
        op.accept(s);
        s.addFlags(SqeFlags.IO_LINK).userData(1);
        ring.nextSqe().prepLinkTimeout(Timespec.allocate(arena, timeout), 0).userData(2);
        List<TestRing.Cqe> cqes = TestRing.await(ring, 2);
        return new int[] {TestRing.byUserData(cqes, 1).res(), TestRing.byUserData(cqes, 2).res()};
    }

    @Test
    void peersThatResetStallOrVanishGiveOneClearCqePerOp() throws Exception {
        int rounds = Invariants.scale(20, 2000);
        Invariants.Baseline before = Invariants.baseline();
        long ops = 0;
        long faults = 0;
        long stalledBytes = 0;
        long echoedBytes = 0;
        SplittableRandom rnd = new SplittableRandom(0xFA17);
        try (Ring ring = TestRing.open(16); Arena arena = Arena.ofShared();
             ServerSocket server = new ServerSocket(0, 64, InetAddress.getLoopbackAddress())) {
            int port = server.getLocalPort();
            MemorySegment buf = arena.allocate(CHUNK);
            for (int round = 0; round < rounds; round++) {
                // 1. the peer resets while our RECV waits: -ECONNRESET, then SEND: -EPIPE or -ECONNRESET
                int fd = connect(ring, arena, port);
                try (Socket peer = server.accept()) {
                    ring.nextSqe().prepRecv(fd, buf, 0).userData(3);
                    ring.submit();
                    peer.setSoLinger(true, 0);
                    peer.close();
                    assertThat(TestRing.one(ring).res()).as("RECV after reset").isEqualTo(-Errno.ECONNRESET);
                    ring.nextSqe().prepSend(fd, buf.asSlice(0, 100), 0).userData(4);
                    assertThat(TestRing.one(ring).res()).as("SEND after reset").isIn(-Errno.EPIPE, -Errno.ECONNRESET);
                }
                TestRing.close(ring, fd);
                ops += 4;
                faults++;

                // 2. the peer stops reading: SENDs fill the socket buffers, then one waits until its timeout
                int stalled = connect(ring, arena, port);
                try (Socket peer = server.accept()) {
                    int[] r;
                    long sent = 0;
                    while (true) {
                        r = withTimeout(ring, arena, Duration.ofMillis(20), s -> s.prepSend(stalled, buf, 0));
                        ops += 2;
                        if (r[0] < 0) {
                            break;
                        }
                        sent += r[0];
                        assertThat(r[1]).as("a send that completed cancels its timeout").isEqualTo(-Errno.ECANCELED);
                    }
                    assertThat(r).as("stalled SEND cancelled by its LINK_TIMEOUT").containsExactly(-Errno.ECANCELED, -Errno.ETIME);
                    assertThat(sent).as("bytes buffered before the stall").isPositive();
                    stalledBytes += sent;
                    // 3. the peer never writes: a RECV waits until its timeout
                    r = withTimeout(ring, arena, Duration.ofMillis(5), s -> s.prepRecv(stalled, buf, 0));
                    assertThat(r).as("RECV from a silent peer").containsExactly(-Errno.ECANCELED, -Errno.ETIME);
                    ops += 2;
                    faults += 2;
                    // the stalled peer finally resets: the socket fails cleanly
                    peer.setSoLinger(true, 0);
                }
                ring.nextSqe().prepRecv(stalled, buf, 0).userData(5);
                assertThat(TestRing.one(ring).res()).as("RECV after the stalled peer reset").isIn(-Errno.ECONNRESET, 0);
                TestRing.close(ring, stalled);
                ops += 2;

                // 4. nobody listens: -ECONNREFUSED
                int closedPort = TestRing.freePort();
                int fd2 = TestRing.socket(ring);
                MemorySegment sa = SocketAddresses.allocate(arena,
                        new InetSocketAddress(InetAddress.getLoopbackAddress(), closedPort));
                ring.nextSqe().prepConnect(fd2, sa).userData(6);
                assertThat(TestRing.one(ring).res()).as("CONNECT to a closed port").isEqualTo(-Errno.ECONNREFUSED);
                TestRing.close(ring, fd2);
                ops += 3;
                faults++;

                // 5. an echo peer: what comes back has the checksum of what went out
                echoedBytes += echo(ring, arena, server, port, buf, rnd.nextLong());
                ops += 4;
            }
        }
        Invariants.assertBackTo(before);
        Invariants.report("peer-faults", "rounds", rounds, "ops", ops, "faults_injected", faults,
                "bytes_buffered_before_stall", stalledBytes, "echoed_bytes", echoedBytes, "checksum_mismatches", 0,
                "lost_cqes", 0, "leaked_fds", 0);
    }

    private static long echo(Ring ring, Arena arena, ServerSocket server, int port, MemorySegment buf, long seed)
            throws Exception {
        int size = 256 * 1024;
        byte[] data = new byte[size];
        new SplittableRandom(seed).nextBytes(data);
        CRC32 sentCrc = new CRC32();
        sentCrc.update(data);
        int fd = connect(ring, arena, port);
        try (Socket peer = server.accept()) {
            CompletableFuture<Void> echoer = CompletableFuture.runAsync(() -> {
                try (InputStream in = peer.getInputStream(); OutputStream out = peer.getOutputStream()) {
                    in.transferTo(out);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            CRC32 got = new CRC32();
            long received = 0;
            int off = 0;
            while (received < size) {
                if (off < size) {
                    int n = Math.min(CHUNK, size - off);
                    MemorySegment.copy(data, off, buf, ValueLayout.JAVA_BYTE, 0, n);
                    ring.nextSqe().prepSend(fd, buf.asSlice(0, n), 0).userData(7);
                    int sent = TestRing.one(ring).res();
                    assertThat(sent).as("SEND to echo peer").isPositive();
                    off += sent;
                }
                ring.nextSqe().prepRecv(fd, buf, 0).userData(8);
                int r = TestRing.one(ring).res();
                assertThat(r).as("RECV from echo peer").isPositive();
                got.update(buf.asSlice(0, r).toArray(ValueLayout.JAVA_BYTE));
                received += r;
            }
            ring.nextSqe().prepShutdown(fd, 1).userData(9);
            assertThat(TestRing.one(ring).res()).isZero();
            echoer.get(30, TimeUnit.SECONDS);
            assertThat(got.getValue()).as("echoed data checksum").isEqualTo(sentCrc.getValue());
        }
        TestRing.close(ring, fd);
        return size;
    }
}
