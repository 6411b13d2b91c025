package dev.uring.reactor.tcp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uring.core.loop.EventLoop;
import dev.uring.reactor.TestRuntimes;
import dev.uring.reactor.Uring;
import dev.uring.reactor.op.RuntimeClosedException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import reactor.core.Disposable;
import reactor.test.StepVerifier;

/** A connection's receive as a user of the multishot engine: arming, failed and closed states. */
@Timeout(60)
class InboundEngineTest {
    // the client's runtime has one loop of its own: every op pending there is the connection's
    @AutoClose
    static final Uring uring = TestRuntimes.create(1);

    /** {@code read} run on {@code loop}, whose state it reads. */
    private static <V> V onLoop(EventLoop loop, Supplier<V> read) throws Exception {
        CompletableFuture<V> f = new CompletableFuture<>();
        loop.execute(() -> f.complete(read.get()));
        return f.get(10, TimeUnit.SECONDS);
    }

    private static int pendingOps(EventLoop loop) throws Exception {
        return onLoop(loop, loop::pendingOps);
    }

    @Test
    void unboundedDemandKeepsOneMultishotRecvArmed() throws Exception {
        try (ServerSocketChannel server = ServerSocketChannel.open().bind(Tcp.loopback())) {
            Connection c = TcpClient.connect(uring, server.getLocalAddress(), TcpOptions.defaults())
                    .block(Duration.ofSeconds(10));
            try (SocketChannel peer = server.accept()) {
                AtomicLong bytes = new AtomicLong();
                Disposable d = c.receive().subscribe(b -> {
                    bytes.addAndGet(b.length());
                    b.release();
                });
                int rounds = 50;
                for (int i = 0; i < rounds; i++) {
                    peer.write(ByteBuffer.wrap(new byte[1000]));
                    long want = 1000L * (i + 1);
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                    while (bytes.get() < want && System.nanoTime() < deadline) {
                        Thread.onSpinWait();
                    }
                    assertThat(bytes.get()).isEqualTo(want);
                }
                EventLoop loop = uring.group().get(0);
                // 50 separate arrivals, one RECV armed for all of them and still armed: nothing re-armed
                assertThat(pendingOps(loop)).as("ops pending on the connection's loop").isEqualTo(1);
                assertThat(onLoop(loop, c::receiveArmings)).as("RECVs armed").isEqualTo(1);
                d.dispose();
            } finally {
                c.close().block(Duration.ofSeconds(10));
            }
        }
    }

    @Test
    void anEchoWhoseRingRanDryIsArmedMultishotAgainAndStaysArmed() throws Exception {
        // four 4 KiB buffers: a 256 KiB burst takes them all before the echo's first SEND ends, and
        // the kernel ends the multishot RECV (ENOBUFS); the echo's stream asks for more in batches, so
        // its demand is below Inbound.MULTISHOT_DEMAND when the receive is armed again
        TcpOptions tiny = TcpOptions.defaults().readBufferCount(4).readBufferSize(4096);
        try (ServerSocketChannel server = ServerSocketChannel.open().bind(Tcp.loopback())) {
            Connection c = TcpClient.connect(uring, server.getLocalAddress(), tiny).block(Duration.ofSeconds(10));
            try (SocketChannel peer = server.accept()) {
                Disposable echo = c.sendReceived(c.receive()).subscribe();
                byte[] burst = Tcp.payload(256 * 1024, 3);
                roundTrip(peer, burst);
                EventLoop loop = uring.group().get(0);
                long afterBurst = onLoop(loop, c::receiveArmings);
                assertThat(afterBurst).as("RECVs armed by the burst (the ring ran dry)").isGreaterThan(1);
                int messages = 100;
                for (int i = 0; i < messages; i++) {
                    roundTrip(peer, Tcp.payload(100, i));
                }
                // one message at a time never dries the ring: the multishot RECV armed again stays
                assertThat(onLoop(loop, c::receiveArmings) - afterBurst)
                        .as("RECVs armed for %d single messages", messages)
                        .isLessThan(10);
                echo.dispose();
            } finally {
                c.close().block(Duration.ofSeconds(10));
            }
        }
    }

    private static void roundTrip(SocketChannel peer, byte[] data) throws IOException {
        peer.write(ByteBuffer.wrap(data));
        ByteBuffer back = ByteBuffer.allocate(data.length);
        while (back.hasRemaining()) {
            if (peer.read(back) < 0) {
                throw new IOException("end of stream after " + back.position() + " of " + data.length
                        + " echoed bytes");
            }
        }
        assertThat(back.array()).isEqualTo(data);
    }

    @Test
    void aFailedConnectionFailsANewSubscriberWithoutDemand() throws Exception {
        try (ServerSocketChannel server = ServerSocketChannel.open().bind(Tcp.loopback())) {
            Connection c = TcpClient.connect(uring, server.getLocalAddress(), TcpOptions.defaults())
                    .block(Duration.ofSeconds(10));
            try {
                CompletableFuture<Throwable> first = new CompletableFuture<>();
                c.receive().subscribe(b -> b.release(), first::complete, () -> first.complete(null));
                try (SocketChannel peer = server.accept()) {
                    // SO_LINGER 0: close sends a RST instead of a FIN
                    peer.setOption(StandardSocketOptions.SO_LINGER, 0);
                }
                assertThat(first.get(10, TimeUnit.SECONDS)).isInstanceOf(IOException.class).hasMessageContaining("reset");
                // rules 1.4 and 1.9: the next subscriber hears of the failure at once, without any demand
                StepVerifier.create(c.receive(), 0).expectSubscription()
                        .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(IOException.class).hasMessageContaining("reset"))
                        .verify(Duration.ofSeconds(5));
            } finally {
                c.close().block(Duration.ofSeconds(10));
            }
        }
    }

    @Test
    void aClosedRuntimeFailsANewSubscriberWithoutDemand() throws Exception {
        Uring own = TestRuntimes.create(1);
        try (ServerSocketChannel server = ServerSocketChannel.open().bind(Tcp.loopback())) {
            Connection c = TcpClient.connect(own, server.getLocalAddress(), TcpOptions.defaults())
                    .block(Duration.ofSeconds(10));
            own.close();
            StepVerifier.create(c.receive(), 0).expectSubscription()
                    .expectError(RuntimeClosedException.class).verify(Duration.ofSeconds(5));
            StepVerifier.create(c.send(reactor.core.publisher.Mono.just(ByteBuffer.allocate(1))))
                    .expectError().verify(Duration.ofSeconds(5));
        } finally {
            own.close();
        }
    }

    @Test
    void anAcceptorArmsOneMultishotAcceptForManyConnections() throws Exception {
        DisposableServer s = TcpServer.bind(uring, Tcp.loopback(), TcpOptions.defaults(), Connection::close)
                .block(Duration.ofSeconds(10));
        try {
            InetSocketAddress a = (InetSocketAddress) s.address();
            for (int i = 0; i < 20; i++) {
                try (SocketChannel ch = SocketChannel.open(a)) {
                    ch.read(ByteBuffer.allocate(1)); // the server closes it: end of stream
                }
            }
            CompletableFuture<Long> armings = new CompletableFuture<>();
            uring.group().get(0).execute(() -> armings.complete(s.acceptArmings()));
            assertThat(armings.get(10, TimeUnit.SECONDS)).as("ACCEPTs armed for 20 connections").isEqualTo(1);
        } finally {
            s.dispose();
            s.onDispose().block(Duration.ofSeconds(10));
        }
    }
}
