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
 * <p>Two loop settings, named by the first argument: {@code default} (the loops as
 * {@code Uring.create} makes them: they sleep in io_uring_enter when idle, like every peer's default) and
 * {@code busy-poll} (each loop polls its ring for {@link EventLoop#LOW_LATENCY_BUSY_POLL} before it
 * sleeps: opt-in, for latency-bound services; its rows are labelled busy poll and compared with peers
 * that poll too).
 *
 * <p>Usage: {@code UringEchoServer [default|busy-poll] [--host H] [--port N] [--threads N]}.
 */
public final class UringEchoServer {
    private UringEchoServer() {
    }

    /** Starts the server and serves until the process is killed. */
    public static void main(String[] args) throws Exception {
        EchoArgs options = EchoArgs.parse(args);
        boolean busyPoll = options.busyPoll();
        try (Uring uring = options.uring()) {
            DisposableServer server = TcpServer.bind(uring, options.address(), TcpOptions.defaults().noDelay(true),
                            connection -> connection.sendReceived(connection.receive()))
                    .block();
            if (server == null) {
                throw new IllegalStateException("TcpServer.bind completed without a server");
            }
            EchoArgs.announce(server.port(), busyPoll ? "reactive-uring (io_uring, busy poll 50 us)"
                    : "reactive-uring (io_uring, default loops: no busy poll)");
            server.onDispose().block();
        }
    }
}
