package dev.uring.samples;

import dev.uring.core.IoUring;
import dev.uring.reactor.Uring;
import dev.uring.reactor.tcp.Connection;
import dev.uring.reactor.tcp.DisposableServer;
import dev.uring.reactor.tcp.ReceivedBuffer;
import dev.uring.reactor.tcp.TcpOptions;
import dev.uring.reactor.tcp.TcpServer;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A small line protocol over TCP: one command per line, one answer line each.
 * <ul>
 *   <li>{@code TIME}: the server's clock, ISO-8601 ({@code 2026-11-23T13:05:00.123Z});</li>
 *   <li>{@code ECHO text}: {@code text};</li>
 *   <li>{@code UPPER text}: {@code TEXT};</li>
 *   <li>{@code QUIT}: {@code BYE}, then the server closes the connection;</li>
 *   <li>anything else: {@code ERR unknown command: ...}; a line over {@value #MAX_LINE} bytes:
 *       {@code ERR line too long}, and the connection closes.</li>
 * </ul>
 * Lines are cut from the received buffers as they come (a line may span buffers, a buffer may
 * hold many lines); each buffer is released as soon as its bytes are copied into the line.
 *
 * <p>Binds 127.0.0.1 on a free port (or the first argument, or $PORT), prints it, and serves
 * until Ctrl-C. Try it with {@code nc 127.0.0.1 <port>} and type {@code TIME}.
 */
public final class LineServer {
    /** The longest line accepted, in bytes. */
    public static final int MAX_LINE = 8192;

    private LineServer() {
    }

    /** Serves the protocol on {@code address} (port 0 picks a free port). */
    public static Mono<DisposableServer> start(Uring uring, SocketAddress address) {
        return TcpServer.bind(uring, address, TcpOptions.defaults(), LineServer::serve);
    }

    static Mono<Void> serve(Connection c) {
        Flux<String> answers = lines(c.receive())
                .concatMap(line -> Flux.fromIterable(answer(line)))
                .takeUntil(a -> a.equals("BYE") || a.equals("ERR line too long"));
        return c.send(answers.map(a -> ByteBuffer.wrap((a + "\n").getBytes(StandardCharsets.UTF_8))));
    }

    /** The answers to one command line. */
    static List<String> answer(String line) {
        String cmd = line.strip();
        int space = cmd.indexOf(' ');
        String verb = (space < 0 ? cmd : cmd.substring(0, space)).toUpperCase(Locale.ROOT);
        String arg = space < 0 ? "" : cmd.substring(space + 1);
        return List.of(switch (verb) {
            case "TIME" -> Instant.now().toString();
            case "ECHO" -> arg;
            case "UPPER" -> arg.toUpperCase(Locale.ROOT);
            case "QUIT" -> "BYE";
            case "\u0000TOO_LONG" -> "ERR line too long";
            default -> "ERR unknown command: " + cmd;
        });
    }

    /**
     * The lines (without their {@code \n} or {@code \r\n}) of a received byte stream, decoded as
     * UTF-8 once whole; a line longer than {@link #MAX_LINE} becomes a marker that ends the session.
     */
    static Flux<String> lines(Flux<ReceivedBuffer> received) {
        return Flux.defer(() -> {
            ByteArrayOutputStream pending = new ByteArrayOutputStream();
            return received.concatMapIterable(b -> {
                List<String> out = new ArrayList<>();
                try {
                    ByteBuffer bytes = b.buffer();
                    while (bytes.hasRemaining()) {
                        byte x = bytes.get();
                        if (x == '\n') {
                            byte[] l = pending.toByteArray();
                            pending.reset();
                            int n = l.length > 0 && l[l.length - 1] == '\r' ? l.length - 1 : l.length;
                            out.add(new String(l, 0, n, StandardCharsets.UTF_8));
                        } else if (pending.size() >= MAX_LINE) {
                            out.add("\u0000TOO_LONG");
                            pending.reset();
                            break;
                        } else {
                            pending.write(x);
                        }
                    }
                } finally {
                    b.release();
                }
                return out;
            });
        });
    }

    public static void main(String[] args) throws Exception {
        if (!IoUring.isAvailable()) {
            System.err.println("io_uring is not usable here: " + IoUring.unavailabilityCause());
            System.exit(1);
        }
        int port = EchoServer.port(args);
        Uring uring = Uring.create(Runtime.getRuntime().availableProcessors());
        DisposableServer server = start(uring, new InetSocketAddress(InetAddress.getLoopbackAddress(), port)).block();
        System.out.println("line server listening on " + server.address() + " (Ctrl-C to stop)");
        System.out.println("commands: TIME | ECHO text | UPPER text | QUIT; try: nc 127.0.0.1 " + server.port());
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.dispose();
            uring.close();
            System.out.println("line server stopped");
        }));
        server.onDispose().block();
    }
}
