package dev.uring.samples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uring.reactor.Uring;
import dev.uring.reactor.tcp.DisposableServer;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class LineServerTest {
    private static List<String> session(DisposableServer server, String... parts) throws Exception {
        try (SocketChannel client = SocketChannel.open(server.address())) {
            for (String p : parts) {
                client.write(ByteBuffer.wrap(p.getBytes(StandardCharsets.UTF_8)));
                Thread.sleep(20); // separate segments, so that lines span receives
            }
            ByteArrayOutputStream back = new ByteArrayOutputStream();
            ByteBuffer buf = ByteBuffer.allocate(4096);
            // the server closes after BYE: read to the end of the stream
            while (client.read(buf.clear()) >= 0) {
                back.write(buf.array(), 0, buf.position());
            }
            return back.toString(StandardCharsets.UTF_8).lines().toList();
        }
    }

    @Test
    void answersEachCommandLineEvenWhenLinesSpanSegments() throws Exception {
        try (Uring uring = Uring.create(2)) {
            DisposableServer server = LineServer.start(uring, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                    .block(Duration.ofSeconds(10));
            Instant before = Instant.now();
            List<String> answers = session(server, "ECHO hel", "lo wörld\r\nTI", "ME\nUPPER abc\nFOO bar\nQU", "IT\nECHO late\n");
            assertThat(answers).hasSize(5);
            assertThat(answers.get(0)).isEqualTo("hello wörld");
            assertThat(Instant.parse(answers.get(1))).isBetween(before.minusSeconds(1), Instant.now());
            assertThat(answers.get(2)).isEqualTo("ABC");
            assertThat(answers.get(3)).isEqualTo("ERR unknown command: FOO bar");
            // QUIT ends the session: the line after it is never answered
            assertThat(answers.get(4)).isEqualTo("BYE");
            server.dispose();
        }
    }

    @Test
    void aLineLongerThanTheLimitEndsTheSession() throws Exception {
        try (Uring uring = Uring.create(1)) {
            DisposableServer server = LineServer.start(uring, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                    .block(Duration.ofSeconds(10));
            List<String> answers = session(server, "ECHO ok\n", "x".repeat(LineServer.MAX_LINE + 10) + "\nECHO no\n");
            assertThat(answers).containsExactly("ok", "ERR line too long");
            server.dispose();
        }
    }
}
