package dev.uring.benchmarks.tcp;

import dev.uring.core.loop.EventLoop;
import dev.uring.reactor.Uring;
import dev.uring.reactor.tcp.Connection;
import dev.uring.reactor.tcp.DisposableServer;
import dev.uring.reactor.tcp.TcpOptions;
import dev.uring.reactor.tcp.TcpServer;

/**
 * reactive-uring echo server: {@link TcpServer} on a {@link Uring} of {@code --threads} loops, each
 * connection sending back what it receives with {@link Connection#sendReceived} (no copy: the
 * provided buffer the kernel filled is sent, then returned to the ring). TCP_NODELAY is on
 * ({@link TcpOptions#defaults()}).
 *
 * <p>Usage: {@code UringEchoServer [--host H] [--port N] [--threads N]}.
 */
public final class UringEchoServer {
    private UringEchoServer() {
    }

    /** Starts the server and serves until the process is killed. */
    public static void main(String[] args) throws Exception {
        EchoArgs options = EchoArgs.parse(args);
        // a latency-bound echo: the loop polls 50 us before sleeping (opt-in, see EventLoop.LOW_LATENCY_BUSY_POLL)
        try (Uring uring = Uring.create(options.threads(),
                EventLoop.defaultOptions(256).busyPoll(EventLoop.LOW_LATENCY_BUSY_POLL))) {
            DisposableServer server = TcpServer.bind(uring, options.address(), TcpOptions.defaults().noDelay(true),
                            connection -> connection.sendReceived(connection.receive()))
                    .block();
            if (server == null) {
                throw new IllegalStateException("TcpServer.bind completed without a server");
            }
            EchoArgs.announce(server.port(), "reactive-uring (io_uring, busy poll 50 us)");
            server.onDispose().block();
        }
    }
}
