package dev.uring.reactor.tcp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uring.reactor.Uring;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Accepting: a storm of connects spread over the loops, dispose, and no fd left behind. */
@Timeout(60)
class TcpAcceptTest {
    /** The process's open socket fds (other fds come and go with the JVM's own lazy work). */
    static long openSockets() throws IOException {
        try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
            return s.filter(p -> {
                try {
                    return Files.readSymbolicLink(p).toString().startsWith("socket:");
                } catch (IOException e) {
                    return false; // closed while listed
                }
            }).count();
        }
    }

    private static String fdList() throws IOException {
        try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
            return s.map(p -> {
                try {
                    return p.getFileName() + "->" + Files.readSymbolicLink(p);
                } catch (IOException e) {
                    return p.getFileName() + "->?";
                }
            }).toList().toString();
        }
    }

    @Test
    void acceptStormIsServedOnEveryLoopAndLeavesNoFdBehind() throws Exception {
        try (Uring server = Uring.create(4); Uring client = Uring.create(2)) {
            // warm both runtimes (buffer rings, lazily opened fds) before counting fds
            DisposableServer warm = TcpServer.bind(server, Tcp.loopback(), TcpOptions.defaults(), Tcp::echo)
                    .block(Duration.ofSeconds(10));
            Flux.range(0, 8).flatMap(i -> TcpClient.connect(client, warm.address(), TcpOptions.defaults())
                    .flatMap(c -> Tcp.exchange(c, new byte[] {1}, 1, false).then(c.close())))
                    .then().block(Duration.ofSeconds(10));
            warm.dispose();
            warm.onDispose().block(Duration.ofSeconds(10));
            long socketsBefore = openSockets();

            Map<String, AtomicInteger> perLoop = new ConcurrentHashMap<>();
            DisposableServer s = TcpServer.bind(server, Tcp.loopback(), TcpOptions.defaults().backlog(4096), c -> {
                perLoop.computeIfAbsent(Thread.currentThread().getName(), k -> new AtomicInteger()).incrementAndGet();
                return Tcp.echo(c);
            }).block(Duration.ofSeconds(10));
            int n = 2000;
            AtomicInteger echoed = new AtomicInteger();
            // every connect at once: the listener's queue takes the burst, one multishot ACCEPT drains it
            Flux.range(0, n)
                    .flatMap(i -> TcpClient.connect(client, s.address(), TcpOptions.defaults())
                            .flatMap(c -> Tcp.exchange(c, new byte[] {i.byteValue()}, 1, false)
                                    .doOnNext(sum -> {
                                        if (sum.bytes == 1) {
                                            echoed.incrementAndGet();
                                        }
                                    })
                                    .then(c.close())), n)
                    .then()
                    .block(Duration.ofSeconds(40));
            assertThat(echoed).hasValue(n);
            assertThat(perLoop).as("connections per serving loop").hasSize(4);
            assertThat(perLoop.values().stream().mapToInt(AtomicInteger::get).sum()).isEqualTo(n);
            TcpEchoTest.awaitCount(s, 0);
            s.dispose();
            s.onDispose().block(Duration.ofSeconds(10));
            assertThat(openSockets()).as("open sockets after every connection and the listener closed").isEqualTo(socketsBefore);
        }
    }

    @Test
    void disposeClosesTheListenerAndEveryAcceptedConnection() throws Exception {
        try (Uring uring = Uring.create(2)) {
            DisposableServer s = TcpServer.bind(uring, Tcp.loopback(), TcpOptions.defaults(), c -> Mono.never())
                    .block(Duration.ofSeconds(10));
            SocketChannel[] peers = new SocketChannel[5];
            for (int i = 0; i < peers.length; i++) {
                peers[i] = SocketChannel.open(s.address());
            }
            TcpEchoTest.awaitCount(s, peers.length);
            s.dispose();
            s.onDispose().block(Duration.ofSeconds(10));
            assertThat(s.isDisposed()).isTrue();
            assertThat(s.connectionCount()).isZero();
            for (SocketChannel p : peers) {
                // the server closed: each peer reads the end of the stream
                assertThat(p.read(ByteBuffer.allocate(1))).isEqualTo(-1);
                p.close();
            }
            // the port is free again: nobody listens
            assertThat(TcpErrorsTest.error(TcpClient.connect(uring, s.address(), TcpOptions.defaults())))
                    .isInstanceOf(java.net.ConnectException.class);
        }
    }

    @Test
    void closingTheRuntimeClosesItsServersAndConnections() throws Exception {
        long before = openSockets();
        Uring uring = Uring.create(2);
        DisposableServer s = TcpServer.bind(uring, Tcp.loopback(), TcpOptions.defaults(), Tcp::echo)
                .block(Duration.ofSeconds(10));
        Connection c = TcpClient.connect(uring, s.address(), TcpOptions.defaults()).block(Duration.ofSeconds(10));
        TcpEchoTest.awaitCount(s, 1);
        uring.close();
        assertThat(s.onDispose().block(Duration.ofSeconds(5))).isNull();
        assertThat(c.onClose().block(Duration.ofSeconds(5))).isNull();
        assertThat(openSockets()).as("sockets after the runtime closed: %s", fdList()).isEqualTo(before);
    }
}
