package dev.uring.reactor.tcp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uring.reactor.TestRuntimes;
import dev.uring.reactor.Uring;
import dev.uring.reactor.net.ZeroCopyCounts;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Zero-copy TCP sends (TcpOptions.zeroCopyThreshold): a SEND_ZC owns its buffer until the kernel's
 * notification, so a send completes (and its buffer may be reused) only after it; bytes arrive intact.
 */
@Timeout(60)
class TcpZeroCopyTest {
    @AutoClose
    static final Uring server = TestRuntimes.create(1);
    @AutoClose
    static final Uring client = TestRuntimes.create(1);

    private static final Duration WAIT = Duration.ofSeconds(20);

    /** Sends {@code data} in {@code chunk}s one send at a time, recording after each how many zero-copy sends lack their notification. */
    private static Tcp.Sum exchange(Connection c, byte[] data, int chunk, boolean direct, List<Long> unnotified) {
        Flux<ByteBuffer> out = Flux.range(0, data.length / chunk).map(i -> {
            if (direct) {
                ByteBuffer d = ByteBuffer.allocateDirect(chunk);
                return d.put(data, i * chunk, chunk).flip();
            }
            return ByteBuffer.wrap(data, i * chunk, chunk);
        });
        Mono<Void> send = out.concatMap(b -> c.send(Mono.just(b))
                        .doOnSuccess(v -> unnotified.add(ZeroCopyCounts.SENDS.sum() - ZeroCopyCounts.NOTIFICATIONS.sum())), 1)
                .then(c.shutdownOutput());
        Mono<Tcp.Sum> receive = c.receive().reduce(new Tcp.Sum(), Tcp.Sum::add);
        return Mono.zip(send.thenReturn(true), receive).map(t -> t.getT2()).block(WAIT);
    }

    @Test
    void directSendsAboveTheThresholdAreZeroCopyAndEachEndsAfterItsNotification() {
        byte[] data = Tcp.payload(16 * 256 * 1024, 11);
        DisposableServer s = TcpServer.bind(server, Tcp.loopback(), TcpOptions.defaults(), Tcp::echo).block(WAIT);
        Connection c = TcpClient.connect(client, s.address(), TcpOptions.defaults().zeroCopyThreshold(64 * 1024))
                .block(WAIT);
        try {
            long zc0 = ZeroCopyCounts.SENDS.sum();
            List<Long> unnotified = new CopyOnWriteArrayList<>();
            long base = ZeroCopyCounts.SENDS.sum() - ZeroCopyCounts.NOTIFICATIONS.sum();
            Tcp.Sum back = exchange(c, data, 256 * 1024, true, unnotified);
            assertThat(back.bytes).isEqualTo(data.length);
            assertThat(back.crc.getValue()).isEqualTo(Tcp.crc(data));
            assertThat(ZeroCopyCounts.SENDS.sum() - zc0).as("zero-copy SENDs").isGreaterThanOrEqualTo(16);
            assertThat(unnotified).as("zero-copy sends without their notification when a send completed")
                    .hasSize(16).containsOnly(base);
        } finally {
            c.close().block(WAIT);
            s.dispose();
            s.onDispose().block(WAIT);
        }
    }

    @Test
    void aHeapBufferLargerThanTheBounceBufferIsNotRefilledBeforeTheNotification() {
        // 1 MiB heap buffers go out through one 256 KiB bounce buffer, refilled per round: a refill
        // before the kernel let go of the previous round would corrupt what the peer receives
        byte[] data = Tcp.payload(8 * 1024 * 1024, 12);
        DisposableServer s = TcpServer.bind(server, Tcp.loopback(), TcpOptions.defaults(), Tcp::echo).block(WAIT);
        Connection c = TcpClient.connect(client, s.address(), TcpOptions.defaults().zeroCopyThreshold(64 * 1024))
                .block(WAIT);
        try {
            long zc0 = ZeroCopyCounts.SENDS.sum();
            Tcp.Sum back = exchange(c, data, 1024 * 1024, false, new CopyOnWriteArrayList<>());
            assertThat(back.bytes).isEqualTo(data.length);
            assertThat(back.crc.getValue()).isEqualTo(Tcp.crc(data));
            assertThat(ZeroCopyCounts.SENDS.sum() - zc0).as("zero-copy SENDs, 4 or more rounds per buffer")
                    .isGreaterThanOrEqualTo(32);
        } finally {
            c.close().block(WAIT);
            s.dispose();
            s.onDispose().block(WAIT);
        }
    }

    @Test
    void sendsBelowTheThresholdStayPlainSends() {
        byte[] data = Tcp.payload(64 * 1024, 13);
        DisposableServer s = TcpServer.bind(server, Tcp.loopback(), TcpOptions.defaults(), Tcp::echo).block(WAIT);
        Connection c = TcpClient.connect(client, s.address(), TcpOptions.defaults().zeroCopyThreshold(64 * 1024))
                .block(WAIT);
        try {
            long zc0 = ZeroCopyCounts.SENDS.sum();
            Tcp.Sum back = exchange(c, data, 4096, true, new CopyOnWriteArrayList<>());
            assertThat(back.crc.getValue()).isEqualTo(Tcp.crc(data));
            assertThat(ZeroCopyCounts.SENDS.sum() - zc0).isZero();
        } finally {
            c.close().block(WAIT);
            s.dispose();
            s.onDispose().block(WAIT);
        }
    }

    @Test
    void aUnixSocketThatRefusesZeroCopyFallsBackToPlainSends(@TempDir Path dir) {
        byte[] data = Tcp.payload(4 * 128 * 1024, 14);
        UnixDomainSocketAddress path = UnixDomainSocketAddress.of(dir.resolve("zc.sock"));
        DisposableServer s = TcpServer.bind(server, path, TcpOptions.defaults(), Tcp::echo).block(WAIT);
        Connection c = TcpClient.connect(client, path, TcpOptions.defaults().zeroCopyThreshold(1024)).block(WAIT);
        try {
            Tcp.Sum back = exchange(c, data, 128 * 1024, true, new CopyOnWriteArrayList<>());
            assertThat(back.bytes).isEqualTo(data.length);
            assertThat(back.crc.getValue()).isEqualTo(Tcp.crc(data));
        } finally {
            c.close().block(WAIT);
            s.dispose();
            s.onDispose().block(WAIT);
        }
    }
}
