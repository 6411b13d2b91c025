package dev.uring.reactor.tck;

import dev.uring.reactor.tcp.Connection;
import dev.uring.reactor.tcp.TcpClient;
import dev.uring.reactor.tcp.TcpOptions;
import dev.uring.reactor.Uring;
import org.reactivestreams.Publisher;

/**
 * {@link TcpClient#connect(Uring, java.net.SocketAddress, TcpOptions)}: SOCKET and CONNECT to a
 * loopback listener; the connections the TCK drops are closed with the runtime. Refused: on a closed runtime.
 */
public class TcpConnectTckTest extends MonoVerification<Connection> {
    private JavaTcpPeer peer;
    private Uring closed;

    @Override
    void prepare() throws Exception {
        peer = fx.closing(new JavaTcpPeer());
        closed = Fixture.closedRuntime();
    }

    @Override
    Publisher<Connection> value() {
        return TcpClient.connect(fx.uring, peer.address(), TcpOptions.defaults());
    }

    @Override
    Publisher<Connection> failed() {
        return TcpClient.connect(closed, peer.address(), TcpOptions.defaults());
    }
}
