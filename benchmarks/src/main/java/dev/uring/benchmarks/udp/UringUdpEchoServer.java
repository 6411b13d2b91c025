package dev.uring.benchmarks.udp;

import dev.uring.benchmarks.tcp.EchoArgs;
import dev.uring.core.loop.EventLoop;
import dev.uring.reactor.Uring;
import dev.uring.reactor.udp.UdpOptions;
import dev.uring.reactor.udp.UdpServer;
import dev.uring.reactor.udp.UdpSocket;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * reactive-uring UDP echo server: one {@link UdpServer} socket per loop of a {@link Uring} of
 * {@code --threads} loops (SO_REUSEPORT when more than one, so the kernel spreads the flows), each
 * sending every datagram back to its sender with {@link UdpSocket#sendReceived} (no copy: the
 * provided buffer the kernel filled is sent, then returned to the ring).
 *
 * <p>Two loop settings, named by the first argument, as for the TCP echo server
 * ({@link dev.uring.benchmarks.tcp.UringEchoServer}): {@code default} (the loops as {@code Uring.create}
 * makes them: they sleep in io_uring_enter when idle, like every peer's default) and {@code busy-poll}
 * (each loop polls its ring for {@link EventLoop#LOW_LATENCY_BUSY_POLL} before it sleeps: opt-in; its rows
 * are labelled busy poll and compared with peers that poll or busy-wait too).
 *
 * <p>Usage: {@code UringUdpEchoServer [default|busy-poll] [--host H] [--port N] [--threads N]}.
 */
public final class UringUdpEchoServer {
    private UringUdpEchoServer() {
    }

    /** Starts the server and serves until the process is killed. */
    public static void main(String[] args) throws Exception {
        EchoArgs options = EchoArgs.parse(args);
        boolean busyPoll = options.busyPoll();
        try (Uring uring = options.uring()) {
            UdpOptions udp = UdpOptions.defaults().reusePort(options.threads() > 1);
            List<UdpSocket> sockets = new ArrayList<>();
            UdpSocket first = UdpServer.bind(uring, options.address(), udp).block();
            if (first == null) {
                throw new IllegalStateException("UdpServer.bind completed without a socket");
            }
            sockets.add(first);
            int port = ((InetSocketAddress) first.localAddress()).getPort();
            for (int i = 1; i < options.threads(); i++) {
                sockets.add(UdpServer.bind(uring, new InetSocketAddress(options.host(), port), udp).block());
            }
            for (UdpSocket s : sockets) {
                s.sendReceived(s.receive()).subscribe(v -> { }, e -> System.err.println("echo failed: " + e));
            }
            EchoArgs.announce(port, busyPoll ? "reactive-uring (io_uring multishot RECVMSG, busy poll 50 us)"
                    : "reactive-uring (io_uring multishot RECVMSG, default loops: no busy poll)");
            first.onClose().block();
        }
    }
}
