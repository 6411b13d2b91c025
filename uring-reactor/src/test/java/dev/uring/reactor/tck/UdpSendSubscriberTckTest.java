package dev.uring.reactor.tck;

import dev.uring.reactor.udp.UdpClient;
import dev.uring.reactor.udp.UdpOptions;
import dev.uring.reactor.udp.UdpSocket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import org.reactivestreams.Publisher;

/** The subscriber {@link UdpSocket#send(Publisher)} gives the caller's publisher, on a connected socket. */
public class UdpSendSubscriberTckTest extends CapturedSubscriberVerification<ByteBuffer> {
    private UdpSocket socket;

    @Override
    void prepare() throws Exception {
        DatagramSocket peer = fx.closing(new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)));
        socket = UdpClient.connect(fx.uring, peer.getLocalSocketAddress(), UdpOptions.defaults()).block(Fixture.WAIT);
        fx.closing(() -> socket.close().block(Fixture.WAIT));
    }

    @Override
    Publisher<?> consume(Publisher<ByteBuffer> data) {
        return socket.send(data);
    }

    @Override
    public ByteBuffer createElement(int element) {
        return ByteBuffer.wrap(new byte[] {(byte) element, 1, 2, 3});
    }
}
