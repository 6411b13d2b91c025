package dev.uring.reactor.tck;

import dev.uring.reactor.tcp.Connection;
import dev.uring.reactor.tcp.TcpClient;
import dev.uring.reactor.tcp.TcpOptions;
import org.reactivestreams.Publisher;

/**
 * {@link Connection#shutdownOutput()}: SHUTDOWN of a fresh connection each time; a Mono<Void>.
 * Refused: on a closed connection.
 */
public class TcpShutdownOutputTckTest extends VoidVerification {
    private JavaTcpPeer peer;

    @Override
    void prepare() throws Exception {
        peer = fx.closing(new JavaTcpPeer());
    }

    private Connection connect() throws Exception {
        Connection c = TcpClient.connect(fx.uring, peer.address(), TcpOptions.defaults()).block(Fixture.WAIT);
        fx.closing(() -> c.close().block(Fixture.WAIT));
        peer.accept();
        return c;
    }

    @Override
    Publisher<Void> empty() throws Exception {
        return connect().shutdownOutput();
    }

    @Override
    Publisher<Void> failed() throws Exception {
        Connection c = connect();
        c.close().block(Fixture.WAIT);
        return c.shutdownOutput();
    }
}
