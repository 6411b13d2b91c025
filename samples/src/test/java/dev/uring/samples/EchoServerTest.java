package dev.uring.samples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.uring.reactor.Uring;
import dev.uring.reactor.tcp.DisposableServer;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class EchoServerTest {
    @Test
    void echoesWhatAClientSendsUntilTheClientHalfCloses() throws Exception {
        try (Uring uring = Uring.create(2)) {
            DisposableServer server = EchoServer.start(uring, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                    .block(Duration.ofSeconds(10));
            assertThat(server.port()).isPositive();
            byte[] data = new byte[300_000];
            new Random(1).nextBytes(data);
            try (SocketChannel client = SocketChannel.open(server.address())) {
                // a writer thread, so that the echo is read while it is still being sent
                Thread writer = Thread.ofPlatform().start(() -> {
                    try {
                        client.write(ByteBuffer.wrap(data));
                        client.shutdownOutput();
                    } catch (Exception e) {
                        throw new RuntimeException(e);
                    }
                });
                ByteArrayOutputStream back = new ByteArrayOutputStream();
                ByteBuffer buf = ByteBuffer.allocate(65536);
                while (client.read(buf.clear()) >= 0) {
                    back.write(buf.array(), 0, buf.position());
                }
                writer.join();
                assertThat(back.toByteArray()).isEqualTo(data);
            }
            server.dispose();
        }
    }

    @Test
    void portComesFromTheFirstArgumentAndIsChecked() {
        assertThat(EchoServer.port(new String[] {"8099"})).isEqualTo(8099);
        assertThatThrownBy(() -> EchoServer.port(new String[] {"99999"}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("99999");
    }
}
