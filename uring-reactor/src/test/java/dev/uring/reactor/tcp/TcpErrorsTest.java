package dev.uring.reactor.tcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.uring.reactor.TestRuntimes;
import dev.uring.reactor.Uring;
import java.io.IOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Refused and timed-out connects, peer resets, idle timeouts, ports in use, closed connections. */
@Timeout(60)
class TcpErrorsTest {
    @AutoClose
    static final Uring uring = TestRuntimes.create(2);

    private static InetSocketAddress freePort() throws IOException {
        try (ServerSocketChannel s = ServerSocketChannel.open()) {
            s.bind(Tcp.loopback());
            return (InetSocketAddress) s.getLocalAddress();
        }
    }

    /** The error {@code m} fails with (block() would wrap a checked one). */
    static Throwable error(Mono<?> m) {
        return m.<Throwable>flatMap(v -> Mono.error(new AssertionError("expected an error, got " + v)))
                .onErrorResume(t -> !(t instanceof AssertionError), Mono::just)
                .switchIfEmpty(Mono.error(new AssertionError("expected an error, got none")))
                .block(Duration.ofSeconds(15));
    }

    @Test
    void refusedConnectNamesTheAddress() throws Exception {
        InetSocketAddress closed = freePort();
        assertThat(error(TcpClient.connect(uring, closed, TcpOptions.defaults())))
                .isInstanceOf(ConnectException.class)
                .hasMessageContaining(closed.getAddress().getHostAddress() + ":" + closed.getPort())
                .hasMessageContaining("ECONNREFUSED");
    }

    @Test
    void connectPastItsTimeoutFailsWithTimeoutException() throws Exception {
        // a listener that never accepts, its queue full: the kernel drops further SYNs, the connect hangs
        try (ServerSocketChannel full = ServerSocketChannel.open()) {
            full.bind(Tcp.loopback(), 1);
            List<SocketChannel> fillers = new ArrayList<>();
            try {
                for (int i = 0; i < 3; i++) {
                    SocketChannel f = SocketChannel.open();
                    f.configureBlocking(false);
                    f.connect(full.getLocalAddress());
                    fillers.add(f);
                }
                TcpOptions quick = TcpOptions.defaults().connectTimeout(Duration.ofMillis(200));
                assertThat(error(TcpClient.connect(uring, full.getLocalAddress(), quick)))
                        .isInstanceOf(TimeoutException.class)
                        .hasMessageContaining("CONNECT");
            } finally {
                for (SocketChannel f : fillers) {
                    f.close();
                }
            }
        }
    }

    @Test
    void peerResetFailsTheInboundFluxWithAnIOException() throws Exception {
        CompletableFuture<Throwable> inbound = new CompletableFuture<>();
        CompletableFuture<Void> received = new CompletableFuture<>();
        DisposableServer s = TcpServer.bind(uring, Tcp.loopback(), TcpOptions.defaults(), c -> c.receive()
                .doOnNext(b -> received.complete(null))
                .doOnNext(ReceivedBuffer::release)
                .doOnError(inbound::complete)
                .doOnComplete(() -> inbound.complete(null))
                .then()).block(Duration.ofSeconds(10));
        try (SocketChannel peer = SocketChannel.open(s.address())) {
            peer.write(ByteBuffer.wrap(new byte[100]));
            // reset only once the server has the connection: one reset before it was served is dropped unseen
            received.get(10, TimeUnit.SECONDS);
            // SO_LINGER 0: close sends a RST instead of a FIN
            peer.setOption(StandardSocketOptions.SO_LINGER, 0);
            peer.close();
            Throwable t = inbound.get(10, TimeUnit.SECONDS);
            assertThat(t).isInstanceOf(IOException.class).hasMessageContaining("reset");
        } finally {
            s.dispose();
        }
    }

    @Test
    void peerResetFailsTheOutboundMonoWithAnIOException() throws Exception {
        CompletableFuture<Throwable> outbound = new CompletableFuture<>();
        CompletableFuture<Void> sending = new CompletableFuture<>();
        DisposableServer s = TcpServer.bind(uring, Tcp.loopback(), TcpOptions.defaults(), c -> c
                .send(Flux.<ByteBuffer>generate(sink -> sink.next(ByteBuffer.allocate(64 * 1024)))
                        .doOnNext(b -> sending.complete(null)))
                .doOnError(outbound::complete)
                .doOnSuccess(v -> outbound.complete(null))).block(Duration.ofSeconds(10));
        try (SocketChannel peer = SocketChannel.open(s.address())) {
            sending.get(10, TimeUnit.SECONDS);
            peer.setOption(StandardSocketOptions.SO_LINGER, 0);
            peer.close();
            Throwable t = outbound.get(10, TimeUnit.SECONDS);
            assertThat(t).isInstanceOf(IOException.class).hasMessageContaining("reset");
        } finally {
            s.dispose();
        }
    }

    @Test
    void idleConnectionFailsWithTimeoutExceptionAndCloses() throws Exception {
        CompletableFuture<Throwable> inbound = new CompletableFuture<>();
        TcpOptions idle = TcpOptions.defaults().idleTimeout(Duration.ofMillis(150));
        DisposableServer s = TcpServer.bind(uring, Tcp.loopback(), idle, c -> c.receive()
                .doOnNext(ReceivedBuffer::release)
                .doOnError(inbound::complete)
                .doOnComplete(() -> inbound.complete(null))
                .then()).block(Duration.ofSeconds(10));
        try (SocketChannel peer = SocketChannel.open(s.address())) {
            // activity keeps it open: three writes 100 ms apart span twice the idle timeout
            for (int i = 0; i < 3; i++) {
                peer.write(ByteBuffer.wrap(new byte[] {1}));
                assertThat(inbound).isNotDone();
                Thread.sleep(100);
            }
            assertThat(inbound.get(10, TimeUnit.SECONDS)).isInstanceOf(TimeoutException.class);
            // the server closed its side: the peer reads the end of the stream
            assertThat(peer.read(ByteBuffer.allocate(10))).isEqualTo(-1);
        } finally {
            s.dispose();
        }
    }

    @Test
    void bindingAPortInUseFailsWithBindException() throws Exception {
        DisposableServer s = TcpServer.bind(uring, Tcp.loopback(), TcpOptions.defaults(), c -> Mono.never())
                .block(Duration.ofSeconds(10));
        try {
            assertThat(error(TcpServer.bind(uring, s.address(), TcpOptions.defaults(), c -> Mono.never())))
                    .isInstanceOf(BindException.class)
                    .hasMessageContaining(String.valueOf(s.port()));
        } finally {
            s.dispose();
        }
    }

    @Test
    void sendOnAClosedConnectionFailsWithClosedChannelException() throws Exception {
        DisposableServer s = TcpServer.bind(uring, Tcp.loopback(), TcpOptions.defaults(), c -> Mono.never())
                .block(Duration.ofSeconds(10));
        try {
            Connection c = TcpClient.connect(uring, s.address(), TcpOptions.defaults()).block(Duration.ofSeconds(10));
            c.close().block(Duration.ofSeconds(10));
            assertThat(c.isDisposed()).isTrue();
            assertThat(error(c.send(Mono.just(ByteBuffer.wrap(new byte[] {1})))))
                    .isInstanceOf(ClosedChannelException.class)
                    .hasMessageContaining("socket is closed");
            // a closed connection's inbound completes
            assertThat(c.receive().count().block(Duration.ofSeconds(10))).isZero();
        } finally {
            s.dispose();
        }
    }

    @Test
    void unresolvedAddressIsRejectedAtAssembly() {
        assertThatThrownBy(() -> TcpClient.connect(uring, InetSocketAddress.createUnresolved("example.invalid", 80),
                TcpOptions.defaults()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unresolved");
    }

    @Test
    void secondConcurrentInboundSubscriberIsRefused() throws Exception {
        DisposableServer s = TcpServer.bind(uring, Tcp.loopback(), TcpOptions.defaults(), c -> Mono.never())
                .block(Duration.ofSeconds(10));
        try {
            Connection c = TcpClient.connect(uring, s.address(), TcpOptions.defaults()).block(Duration.ofSeconds(10));
            reactor.core.Disposable first = c.receive().subscribe(ReceivedBuffer::release);
            assertThatThrownBy(() -> c.receive().blockLast(Duration.ofSeconds(10)))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("one subscriber");
            first.dispose();
            c.close().block(Duration.ofSeconds(10));
        } finally {
            s.dispose();
        }
    }
}
