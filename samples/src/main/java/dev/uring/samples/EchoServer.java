package dev.uring.samples;

import dev.uring.core.IoUring;
import dev.uring.reactor.Uring;
import dev.uring.reactor.tcp.Connection;
import dev.uring.reactor.tcp.DisposableServer;
import dev.uring.reactor.tcp.TcpOptions;
import dev.uring.reactor.tcp.TcpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import reactor.core.publisher.Mono;

/**
 * A TCP echo server: every byte a client sends comes back. Received buffers are sent straight
 * from the kernel's buffer ring and released once sent (no copy); demand paces the receiving, so
 * a client that does not read its echo stops being read from.
 *
 * <p>Binds 127.0.0.1 on a free port, or on the port given as the first argument or in the
 * {@code PORT} environment variable, prints it, and serves until Ctrl-C. Try it with
 * {@code nc 127.0.0.1 <port>}.
 */
public final class EchoServer {
    private EchoServer() {
    }

    /** Serves echo on {@code address} (port 0 picks a free port). */
    public static Mono<DisposableServer> start(Uring uring, SocketAddress address) {
        return TcpServer.bind(uring, address, TcpOptions.defaults(), EchoServer::echo);
    }

    /** Sends back what arrives; the connection closes when the client half-closes or goes away. */
    static Mono<Void> echo(Connection c) {
        return c.sendReceived(c.receive());
    }

    public static void main(String[] args) throws Exception {
        if (!IoUring.isAvailable()) {
            System.err.println("io_uring is not usable here: " + IoUring.unavailabilityCause());
            System.exit(1);
        }
        int port = port(args);
        Uring uring = Uring.create(Runtime.getRuntime().availableProcessors());
        DisposableServer server = start(uring, new InetSocketAddress(InetAddress.getLoopbackAddress(), port)).block();
        System.out.println("echo server listening on " + server.address() + " (Ctrl-C to stop); try: nc 127.0.0.1 "
                + server.port());
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.dispose();
            uring.close();
            System.out.println("echo server stopped");
        }));
        server.onDispose().block();
    }

    /** The first argument, else $PORT, else 0 (a free port). */
    static int port(String[] args) {
        String p = args.length > 0 ? args[0] : System.getenv("PORT");
        if (p == null || p.isBlank()) {
            return 0;
        }
        try {
            int port = Integer.parseInt(p.trim());
            if (port < 0 || port > 65535) {
                throw new NumberFormatException();
            }
            return port;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("port must be a number in 0..65535, got '" + p + "'");
        }
    }
}
