package dev.uring.reactor.tcp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uring.core.SocketOption;
import dev.uring.reactor.TestRuntimes;
import dev.uring.reactor.Uring;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Echo over loopback through a real kernel: payload sizes, families, many connections at once. */
@Timeout(60)
class TcpEchoTest {
    // two runtimes, as two processes would be: the server's buffers are not the client's
    @AutoClose
    static final Uring server = TestRuntimes.create(2);
    @AutoClose
    static final Uring client = TestRuntimes.create(2);

    private static DisposableServer echoServer(java.net.SocketAddress address, TcpOptions options) {
        return TcpServer.bind(server, address, options, Tcp::echo).block(Duration.ofSeconds(10));
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 100, 4096, 16 * 1024 + 7, 1024 * 1024, 16 * 1024 * 1024})
    void echoesPayloadsIntactFromOneByteToSixteenMebibytes(int size) {
        DisposableServer s = echoServer(Tcp.loopback(), TcpOptions.defaults());
        try {
            byte[] data = Tcp.payload(size, size);
            for (boolean direct : new boolean[] {false, true}) {
                Tcp.Sum got = TcpClient.connect(client, s.address(), TcpOptions.defaults())
                        .flatMap(c -> Tcp.exchange(c, data, 64 * 1024 + 3, direct).doFinally(x -> c.dispose()))
                        .block(Duration.ofSeconds(30));
                assertThat(got.bytes).as("bytes echoed (direct=%s)", direct).isEqualTo(size);
                assertThat(got.crc.getValue()).as("checksum (direct=%s)", direct).isEqualTo(Tcp.crc(data));
            }
        } finally {
            s.dispose();
        }
    }

    @Test
    void echoesOneHeapBufferLargerThanTheBounceBuffer() {
        DisposableServer s = echoServer(Tcp.loopback(), TcpOptions.defaults());
        try {
            byte[] data = Tcp.payload(3 * dev.uring.reactor.net.SendBuffers.MAX_BOUNCE + 11, 7);
            Tcp.Sum got = TcpClient.connect(client, s.address(), TcpOptions.defaults())
                    .flatMap(c -> Tcp.exchange(c, data, data.length, false).doFinally(x -> c.dispose()))
                    .block(Duration.ofSeconds(30));
            assertThat(got.crc.getValue()).isEqualTo(Tcp.crc(data));
        } finally {
            s.dispose();
        }
    }

    @Test
    void echoesOverIpv6() throws Exception {
        InetSocketAddress v6 = new InetSocketAddress(InetAddress.getByName("::1"), 0);
        DisposableServer s = echoServer(v6, TcpOptions.defaults());
        try {
            assertThat(((InetSocketAddress) s.address()).getAddress()).isInstanceOf(Inet6Address.class);
            byte[] data = Tcp.payload(200_000, 6);
            Tcp.Sum got = TcpClient.connect(client, s.address(), TcpOptions.defaults())
                    .flatMap(c -> {
                        assertThat(((InetSocketAddress) c.remoteAddress()).getPort()).isEqualTo(s.port());
                        return Tcp.exchange(c, data, 8192, true).doFinally(x -> c.dispose());
                    })
                    .block(Duration.ofSeconds(30));
            assertThat(got.crc.getValue()).isEqualTo(Tcp.crc(data));
        } finally {
            s.dispose();
        }
    }

    @Test
    void echoesOverUnixDomainSockets(@TempDir Path dir) throws Exception {
        UnixDomainSocketAddress path = UnixDomainSocketAddress.of(dir.resolve("echo.sock"));
        DisposableServer s = echoServer(path, TcpOptions.defaults());
        try {
            assertThat(s.address()).isEqualTo(path);
            assertThat(Files.exists(path.getPath())).isTrue();
            byte[] data = Tcp.payload(300_000, 5);
            Tcp.Sum got = TcpClient.connect(client, path, TcpOptions.defaults())
                    .flatMap(c -> Tcp.exchange(c, data, 10_000, false).doFinally(x -> c.dispose()))
                    .block(Duration.ofSeconds(30));
            assertThat(got.crc.getValue()).isEqualTo(Tcp.crc(data));
        } finally {
            s.dispose();
        }
    }

    @Test
    void thousandConnectionsOpenAtOnceEachEchoItsOwnData() {
        DisposableServer s = echoServer(Tcp.loopback(), TcpOptions.defaults().backlog(2048));
        try {
            int n = 1000;
            List<Connection> conns = Flux.range(0, n)
                    .flatMap(i -> TcpClient.connect(client, s.address(), TcpOptions.defaults()), 256)
                    .collectList()
                    .block(Duration.ofSeconds(30));
            assertThat(conns).hasSize(n);
            // every connection is open on both sides at the same time
            awaitCount(s, n);
            AtomicInteger ok = new AtomicInteger();
            Flux.range(0, n)
                    .flatMap(i -> {
                        byte[] data = Tcp.payload(1000 + i, i);
                        return Tcp.exchange(conns.get(i), data, 700, false)
                                .doOnNext(sum -> {
                                    if (sum.crc.getValue() == Tcp.crc(data) && sum.bytes == data.length) {
                                        ok.incrementAndGet();
                                    }
                                });
                    }, n)
                    .then()
                    .block(Duration.ofSeconds(30));
            assertThat(ok).hasValue(n);
            Flux.fromIterable(conns).flatMap(Connection::close).then().block(Duration.ofSeconds(10));
            awaitCount(s, 0);
        } finally {
            s.dispose();
        }
    }

    @Test
    void appliesSocketOptionsToAcceptedAndConnectedSockets() throws Exception {
        TcpOptions noNagle = TcpOptions.defaults().keepAlive(true).receiveBufferSize(64 * 1024);
        java.util.concurrent.CompletableFuture<int[]> seen = new java.util.concurrent.CompletableFuture<>();
        DisposableServer s = TcpServer.bind(server, Tcp.loopback(), noNagle, c -> {
            try {
                int fd = c.handle().fd();
                seen.complete(new int[] {SocketOption.TCP_NODELAY.get(fd), SocketOption.SO_KEEPALIVE.get(fd),
                        SocketOption.SO_RCVBUF.get(fd)});
            } catch (Exception e) {
                seen.completeExceptionally(e);
            }
            return Mono.never();
        }).block(Duration.ofSeconds(10));
        try {
            Connection c = TcpClient.connect(client, s.address(), TcpOptions.defaults().noDelay(false))
                    .block(Duration.ofSeconds(10));
            assertThat(SocketOption.TCP_NODELAY.get(c.handle().fd())).as("client TCP_NODELAY").isZero();
            assertThat(SocketOption.SO_KEEPALIVE.get(c.handle().fd())).as("client SO_KEEPALIVE").isZero();
            int[] server = seen.get(10, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(server[0]).as("server TCP_NODELAY").isEqualTo(1);
            assertThat(server[1]).as("server SO_KEEPALIVE").isEqualTo(1);
            // the kernel doubles SO_RCVBUF for its bookkeeping
            assertThat(server[2]).as("server SO_RCVBUF").isEqualTo(128 * 1024);
            c.close().block(Duration.ofSeconds(10));
        } finally {
            s.dispose();
        }
    }

    static void awaitCount(DisposableServer s, int expected) {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (s.connectionCount() != expected && System.nanoTime() < deadline) {
            Thread.onSpinWait();
            java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
        }
        assertThat(s.connectionCount()).as("server connections").isEqualTo(expected);
    }
}
