package dev.uring.reactor.tck;

import dev.uring.reactor.tcp.Connection;
import dev.uring.reactor.tcp.TcpClient;
import dev.uring.reactor.tcp.TcpOptions;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;

/**
 * {@link Connection#onClose()} of a connection being closed: a Mono<Void> (a Reactor sink inside),
 * completing once the socket is closed. No failed form. ({@code UdpSocket.onClose()} and
 * {@code DisposableServer.onDispose()} are the same sink.)
 */
public class OnCloseTckTest extends VoidVerification {
    private JavaTcpPeer peer;

    @Override
    void prepare() throws Exception {
        peer = fx.closing(new JavaTcpPeer());
    }

    @Override
    Publisher<Void> empty() throws Exception {
        Connection c = TcpClient.connect(fx.uring, peer.address(), TcpOptions.defaults()).block(Fixture.WAIT);
        fx.closing(() -> c.close().block(Fixture.WAIT));
        peer.accept();
        c.dispose();
        return c.onClose();
    }

    @Override
    @Nullable Publisher<Void> failed() {
        return null;
    }
}
