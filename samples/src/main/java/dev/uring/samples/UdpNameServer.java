package dev.uring.samples;

import dev.uring.core.IoUring;
import dev.uring.reactor.Uring;
import dev.uring.reactor.udp.Datagram;
import dev.uring.reactor.udp.OutboundDatagram;
import dev.uring.reactor.udp.UdpOptions;
import dev.uring.reactor.udp.UdpServer;
import dev.uring.reactor.udp.UdpSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import reactor.core.publisher.Mono;

/**
 * A tiny DNS-style request/response server over UDP: each datagram is one question, each answer one
 * datagram back to the asker. Questions are text lines: {@code A name} answers the name's address
 * from a small table ({@code NXDOMAIN} when it has none), {@code ECHO text} answers the text.
 * Datagrams arrive from a multishot RECVMSG paced by demand, and each is released once answered.
 *
 * <p>Binds 127.0.0.1 on a free port, or on the port given as the first argument or in the
 * {@code PORT} environment variable, prints it, and serves until Ctrl-C. Try it with
 * {@code echo "A example.test" | nc -u -w1 127.0.0.1 <port>}.
 */
public final class UdpNameServer {
    /** The names this server knows. */
    static final Map<String, String> TABLE = Map.of(
            "localhost", "127.0.0.1",
            "example.test", "192.0.2.10",
            "uring.test", "192.0.2.42",
            "six.test", "2001:db8::6");

    private UdpNameServer() {
    }

    /** Binds {@code address} (port 0 picks a free port) and answers every question that arrives. */
    public static Mono<UdpSocket> start(Uring uring, SocketAddress address) {
        return UdpServer.bind(uring, address, UdpOptions.defaults().maxDatagramSize(512)).doOnNext(s -> s
                .sendDatagrams(s.receive().map(UdpNameServer::answer))
                .subscribe(v -> { }, e -> System.err.println("name server stopped: " + e)));
    }

    /** The answer to one question datagram, to its sender; releases the datagram. */
    static OutboundDatagram answer(Datagram question) {
        try {
            String q = question.isTruncated() ? "" : StandardCharsets.UTF_8.decode(question.content()).toString();
            return new OutboundDatagram(ByteBuffer.wrap(reply(q).getBytes(StandardCharsets.UTF_8)), question.sender());
        } finally {
            question.release();
        }
    }

    /** The reply line to question line {@code q}. */
    static String reply(String q) {
        String line = q.strip();
        int sp = line.indexOf(' ');
        String verb = (sp < 0 ? line : line.substring(0, sp)).toUpperCase(Locale.ROOT);
        String arg = sp < 0 ? "" : line.substring(sp + 1).strip();
        return switch (verb) {
            case "A" -> {
                String addr = TABLE.get(arg.toLowerCase(Locale.ROOT));
                yield addr == null ? "NXDOMAIN " + arg + "\n" : "A " + arg + " " + addr + "\n";
            }
            case "ECHO" -> arg + "\n";
            default -> "ERROR ask 'A name' or 'ECHO text' (at most 512 bytes)\n";
        };
    }

    public static void main(String[] args) throws Exception {
        if (!IoUring.isAvailable()) {
            System.err.println("io_uring is not usable here: " + IoUring.unavailabilityCause());
            System.exit(1);
        }
        int port = EchoServer.port(args);
        Uring uring = Uring.create(1);
        UdpSocket socket = start(uring, new InetSocketAddress(InetAddress.getLoopbackAddress(), port)).block();
        int bound = ((InetSocketAddress) socket.localAddress()).getPort();
        System.out.println("name server on udp " + socket.localAddress() + " (Ctrl-C to stop); try: echo \"A example.test\""
                + " | nc -u -w1 127.0.0.1 " + bound);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            socket.dispose();
            uring.close();
            System.out.println("name server stopped");
        }));
        socket.onClose().block();
    }
}
