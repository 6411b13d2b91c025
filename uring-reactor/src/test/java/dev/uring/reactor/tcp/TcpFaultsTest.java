package dev.uring.reactor.tcp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uring.reactor.ReactorInvariants;
import dev.uring.reactor.Uring;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The reactive TCP API against peers that misbehave, over loopback: clients that reset (SO_LINGER
 * 0) in the middle of an echo, clients that stop reading while the server sends, and servers that
 * reset or stall a {@link TcpClient} connection. Every connection's handler terminates, the server
 * ends up with no connection, echoed data keeps its checksum, and fds and kernel-held buffers
 * come back.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class TcpFaultsTest {
    @Test
    void serverSurvivesClientsThatResetOrStall() throws Exception {
        int rounds = ReactorInvariants.scale(30, 300);
        ReactorInvariants.Baseline before = ReactorInvariants.baseline();
        AtomicLong handlersStarted = new AtomicLong();
        AtomicLong handlersEnded = new AtomicLong();
        long echoed = 0;
        try (Uring uring = Uring.create(2)) {
            DisposableServer server = TcpServer.bind(uring, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                    TcpOptions.defaults(), c -> {
                        handlersStarted.incrementAndGet();
                        return c.sendReceived(c.receive()).doFinally(s -> handlersEnded.incrementAndGet());
                    })
                    .block(Duration.ofSeconds(10));
            SplittableRandom rnd = new SplittableRandom(0x7C9);
            for (int r = 0; r < rounds; r++) {
                // a client that echoes a random payload and checks it
                byte[] data = new byte[1 + rnd.nextInt(256 * 1024)];
                rnd.nextBytes(data);
                try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
                    Thread writer = Thread.ofPlatform().start(() -> {
                        try {
                            OutputStream out = s.getOutputStream();
                            out.write(data);
                            s.shutdownOutput();
                        } catch (java.io.IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    });
                    byte[] back = s.getInputStream().readAllBytes();
                    writer.join();
                    CRC32 a = new CRC32();
                    a.update(data);
                    CRC32 b = new CRC32();
                    b.update(back);
                    assertThat(back.length).isEqualTo(data.length);
                    assertThat(b.getValue()).as("echo checksum").isEqualTo(a.getValue());
                    echoed += back.length;
                }
                // a client that resets in the middle of sending
                try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
                    s.getOutputStream().write(new byte[rnd.nextInt(64 * 1024)]);
                    s.setSoLinger(true, 0);
                }
                // a client that sends a lot and never reads: the server's send waits, then the client resets
                try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
                    s.setSoTimeout(200);
                    OutputStream out = s.getOutputStream();
                    byte[] chunk = new byte[64 * 1024];
                    try {
                        for (int i = 0; i < 64; i++) {
                            out.write(chunk);
                        }
                    } catch (java.io.IOException stalled) {
                        // the server stopped reading because we do not read its echo: expected
                    }
                    s.setSoLinger(true, 0);
                }
            }
            Flux.interval(Duration.ofMillis(5)).takeUntil(x -> server.connectionCount() == 0)
                    .blockLast(Duration.ofSeconds(30));
            assertThat(server.connectionCount()).as("connections left on the server").isZero();
            // a connection reset before it reaches its loop is closed unserved (TcpServer's contract);
            // every echo client was served (its checksum above), and every handler that ran ended
            assertThat(handlersStarted.get()).as("handlers started").isBetween((long) rounds, 3L * rounds);
            assertThat(handlersEnded.get()).as("handlers terminated").isEqualTo(handlersStarted.get());
            server.dispose();
            server.onDispose().block(Duration.ofSeconds(10));
            ReactorInvariants.assertNoPendingOps(uring);
        }
        ReactorInvariants.assertBackTo(before);
        ReactorInvariants.report("tcp-server-peer-faults", "rounds", rounds, "connections", 3 * rounds,
                "resets", 2 * rounds, "stalls", rounds, "handled", handlersStarted.get(), "echoed_bytes", echoed,
                "handlers_not_terminated", 0,
                "leaked_fds", 0);
    }

    @Test
    void clientConnectionsToPeersThatResetOrStallTerminate() throws Exception {
        int rounds = ReactorInvariants.scale(30, 300);
        ReactorInvariants.Baseline before = ReactorInvariants.baseline();
        long errors = 0;
        try (Uring uring = Uring.create(2);
             ServerSocket peer = new ServerSocket(0, 64, InetAddress.getLoopbackAddress())) {
            for (int r = 0; r < rounds; r++) {
                // the peer resets while the client waits to receive
                Connection c = TcpClient.connect(uring, peer.getLocalSocketAddress(), TcpOptions.defaults())
                        .block(Duration.ofSeconds(10));
                try (Socket accepted = peer.accept()) {
                    accepted.setSoLinger(true, 0);
                }
                Throwable t = c.receive().doOnNext(ReceivedBuffer::release).then()
                        .materialize().block(Duration.ofSeconds(10)).getThrowable();
                assertThat(t).as("receive from a peer that reset").isInstanceOf(java.io.IOException.class);
                errors++;
                c.close().onErrorResume(e -> Mono.empty()).block(Duration.ofSeconds(10));
                // the peer never reads: a large send does not finish in time and is cancelled
                Connection c2 = TcpClient.connect(uring, peer.getLocalSocketAddress(), TcpOptions.defaults())
                        .block(Duration.ofSeconds(10));
                try (Socket accepted = peer.accept()) {
                    Flux<ByteBuffer> lots = Flux.range(0, 4096).map(i -> ByteBuffer.allocateDirect(64 * 1024));
                    Throwable timeout = c2.send(lots).timeout(Duration.ofMillis(100)).materialize()
                            .block(Duration.ofSeconds(10)).getThrowable();
                    assertThat(timeout).as("a send to a peer that never reads").isInstanceOf(java.util.concurrent.TimeoutException.class);
                    accepted.setSoLinger(true, 0);
                }
                c2.close().onErrorResume(e -> Mono.empty()).block(Duration.ofSeconds(10));
            }
            ReactorInvariants.assertNoPendingOps(uring);
        }
        ReactorInvariants.assertBackTo(before);
        ReactorInvariants.report("tcp-client-peer-faults", "rounds", rounds, "resets", rounds, "stalled_sends", rounds,
                "receive_errors", errors, "hanging", 0, "leaked_fds", 0);
    }
}
