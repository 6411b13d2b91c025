package dev.uring.reactor.tck;

import dev.uring.reactor.udp.OutboundDatagram;
import dev.uring.reactor.udp.UdpOptions;
import dev.uring.reactor.udp.UdpServer;
import dev.uring.reactor.udp.UdpSocket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import org.reactivestreams.Publisher;

/** The subscriber {@link UdpSocket#sendDatagrams(Publisher)} gives the caller's publisher. */
public class UdpSendDatagramsSubscriberTckTest extends CapturedSubscriberVerification<OutboundDatagram> {
    private UdpSocket socket;
    private SocketAddress peer;

    @Override
    void prepare() throws Exception {
        DatagramSocket p = fx.closing(new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)));
        peer = p.getLocalSocketAddress();
        socket = UdpServer.bind(fx.uring, UdpBindTckTest.ANY_PORT, UdpOptions.defaults()).block(Fixture.WAIT);
        fx.closing(() -> socket.close().block(Fixture.WAIT));
    }

    @Override
    Publisher<?> consume(Publisher<OutboundDatagram> data) {
        return socket.sendDatagrams(data);
    }

    @Override
    public OutboundDatagram createElement(int element) {
        return new OutboundDatagram(ByteBuffer.wrap(new byte[] {(byte) element, 1, 2, 3}), peer);
    }
}
