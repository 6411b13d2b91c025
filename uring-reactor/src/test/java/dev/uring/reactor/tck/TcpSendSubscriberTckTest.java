package dev.uring.reactor.tck;

import dev.uring.reactor.tcp.Connection;
import dev.uring.reactor.tcp.TcpClient;
import dev.uring.reactor.tcp.TcpOptions;
import java.nio.ByteBuffer;
import org.reactivestreams.Publisher;

/**
 * The subscriber {@link Connection#send(Publisher)} gives the caller's publisher (one SEND in flight),
 * on a connection to a {@link JavaTcpPeer} (the few bytes sent fit in its socket buffers).
 */
public class TcpSendSubscriberTckTest extends CapturedSubscriberVerification<ByteBuffer> {
    private Connection connection;

    @Override
    void prepare() throws Exception {
        JavaTcpPeer peer = fx.closing(new JavaTcpPeer());
        connection = TcpClient.connect(fx.uring, peer.address(), TcpOptions.defaults()).block(Fixture.WAIT);
        fx.closing(() -> connection.close().block(Fixture.WAIT));
        peer.accept();
    }

    @Override
    Publisher<?> consume(Publisher<ByteBuffer> data) {
        return connection.send(data);
    }

    @Override
    public ByteBuffer createElement(int element) {
        return ByteBuffer.wrap(new byte[] {(byte) element, 1, 2, 3});
    }
}
