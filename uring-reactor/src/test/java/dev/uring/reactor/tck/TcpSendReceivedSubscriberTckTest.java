package dev.uring.reactor.tck;

import dev.uring.reactor.tcp.Connection;
import dev.uring.reactor.tcp.ReceivedBuffer;
import dev.uring.reactor.tcp.TcpClient;
import dev.uring.reactor.tcp.TcpOptions;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import org.reactivestreams.Publisher;

/**
 * The subscriber {@link Connection#sendReceived(Publisher)} gives the caller's publisher of received
 * buffers. Its elements are real {@link ReceivedBuffer}s: each one is a few bytes a
 * {@link JavaTcpPeer} writes to a second connection and that connection's receive hands over.
 */
public class TcpSendReceivedSubscriberTckTest extends CapturedSubscriberVerification<ReceivedBuffer> {
    private Connection source;
    private OutputStream feed;
    private Connection connection;

    @Override
    void prepare() throws Exception {
        JavaTcpPeer peer = fx.closing(new JavaTcpPeer());
        source = TcpClient.connect(fx.uring, peer.address(), TcpOptions.defaults()).block(Fixture.WAIT);
        fx.closing(() -> source.close().block(Fixture.WAIT));
        feed = peer.accept().getOutputStream();
        connection = TcpClient.connect(fx.uring, peer.address(), TcpOptions.defaults()).block(Fixture.WAIT);
        fx.closing(() -> connection.close().block(Fixture.WAIT));
        peer.accept();
    }

    @Override
    Publisher<?> consume(Publisher<ReceivedBuffer> data) {
        return connection.sendReceived(data);
    }

    @Override
    public ReceivedBuffer createElement(int element) {
        try {
            feed.write(new byte[] {(byte) element, 1, 2, 3});
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return source.receive().next().block(Fixture.WAIT);
    }
}
