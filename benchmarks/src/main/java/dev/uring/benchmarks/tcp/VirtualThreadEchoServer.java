package dev.uring.benchmarks.tcp;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.StandardSocketOptions;

/**
 * A blocking echo server on virtual threads, the way a Java service is written in 2026 without any
 * reactive stack: a {@link ServerSocket} accepts on a virtual thread, and each connection gets its own
 * virtual thread that reads into a 64 KiB array and writes back what it read, TCP_NODELAY on. The JDK
 * parks a virtual thread blocked in read and resumes it from its poller when the socket is readable.
 * {@code --threads} sets the virtual-thread scheduler's carriers
 * ({@code jdk.virtualThreadScheduler.parallelism}), the counterpart of the other servers' loop threads.
 *
 * <p>Usage: {@code VirtualThreadEchoServer [--host H] [--port N] [--threads N]}.
 */
public final class VirtualThreadEchoServer {
    private VirtualThreadEchoServer() {
    }

    /** Starts the server and serves until the process is killed. */
    public static void main(String[] args) throws Exception {
        EchoArgs options = EchoArgs.parse(args);
        // read when the first virtual thread starts the scheduler: set before any is created
        System.setProperty("jdk.virtualThreadScheduler.parallelism", Integer.toString(options.threads()));
        ServerSocket server = new ServerSocket();
        server.bind(options.address(), 1024);
        EchoArgs.announce(server.getLocalPort(), "virtual threads (blocking java.net.Socket, "
                + options.threads() + " carrier(s))");
        Thread acceptor = Thread.ofVirtual().name("acceptor").start(() -> {
            while (true) {
                try {
                    Socket s = server.accept();
                    Thread.ofVirtual().start(() -> echo(s));
                } catch (IOException e) {
                    return;
                }
            }
        });
        acceptor.join();
    }

    private static void echo(Socket s) {
        try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
            s.setOption(StandardSocketOptions.TCP_NODELAY, true);
            byte[] buf = new byte[64 * 1024];
            int n;
            while ((n = in.read(buf)) > 0) {
                out.write(buf, 0, n);
            }
        } catch (IOException e) {
            // the peer went away: the connection's thread ends
        }
    }
}
