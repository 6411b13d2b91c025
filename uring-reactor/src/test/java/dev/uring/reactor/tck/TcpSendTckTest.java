package dev.uring.reactor.tck;

import dev.uring.reactor.tcp.Connection;
import dev.uring.reactor.tcp.TcpClient;
import dev.uring.reactor.tcp.TcpOptions;
import java.nio.ByteBuffer;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;

/**
 * {@link Connection#send(Publisher)} as a publisher: a Mono<Void>, 0 elements (its subscriber side
 * is {@link TcpSendSubscriberTckTest}). Refused: a send on a closed connection, which fails at its
 * first buffer, requested on subscription.
 */
public class TcpSendTckTest extends VoidVerification {
    private JavaTcpPeer peer;
    private Connection connection;
    private Connection closedConnection;

    @Override
    void prepare() throws Exception {
        peer = fx.closing(new JavaTcpPeer());
        connection = TcpClient.connect(fx.uring, peer.address(), TcpOptions.defaults()).block(Fixture.WAIT);
        fx.closing(() -> connection.close().block(Fixture.WAIT));
        peer.accept();
        closedConnection = TcpClient.connect(fx.uring, peer.address(), TcpOptions.defaults()).block(Fixture.WAIT);
        peer.accept();
        closedConnection.close().block(Fixture.WAIT);
    }

    private static Flux<ByteBuffer> data() {
        return Flux.range(0, 3).map(i -> ByteBuffer.wrap(new byte[] {i.byteValue(), 1, 2, 3}));
    }

    @Override
    Publisher<Void> empty() {
        return connection.send(data());
    }

    @Override
    Publisher<Void> failed() {
        return closedConnection.send(data());
    }
}
