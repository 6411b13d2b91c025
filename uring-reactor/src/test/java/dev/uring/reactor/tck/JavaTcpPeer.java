package dev.uring.reactor.tck;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

/**
 * The far end of the connections under test: a plain blocking {@link ServerSocket} on loopback,
 * driven from the test thread, so that what the peer sends (and when it resets) is exact and owes
 * nothing to the code under test. Closes every socket it accepted.
 */
final class JavaTcpPeer implements AutoCloseable {
    private final ServerSocket server;
    private final List<Socket> accepted = new ArrayList<>();

    JavaTcpPeer() throws IOException {
        server = new ServerSocket(0, 1000, InetAddress.getLoopbackAddress());
    }

    InetSocketAddress address() {
        return (InetSocketAddress) server.getLocalSocketAddress();
    }

    /** The next connection made to {@link #address()}. */
    synchronized Socket accept() throws IOException {
        Socket s = server.accept();
        accepted.add(s);
        return s;
    }

    @Override
    public synchronized void close() throws IOException {
        for (Socket s : accepted) {
            s.close();
        }
        accepted.clear();
        server.close();
    }
}
