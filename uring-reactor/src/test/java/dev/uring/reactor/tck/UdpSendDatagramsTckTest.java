package dev.uring.reactor.tck;

import dev.uring.reactor.udp.OutboundDatagram;
import dev.uring.reactor.udp.UdpOptions;
import dev.uring.reactor.udp.UdpServer;
import dev.uring.reactor.udp.UdpSocket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import org.reactivestreams.Publisher;

/**
 * {@link UdpSocket#sendDatagrams(Publisher)} as a publisher: a Mono<Void>, 0 elements (its subscriber side is
 * {@link UdpSendDatagramsSubscriberTckTest}). Refused: a send on a closed socket, which fails at its first datagram,
 * requested on subscription.
 */
public class UdpSendDatagramsTckTest extends VoidVerification {
    private UdpSocket socket;
    private UdpSocket closedSocket;
    private SocketAddress peer;

    @Override
    void prepare() throws Exception {
        DatagramSocket p = fx.closing(new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)));
        peer = p.getLocalSocketAddress();
        socket = UdpServer.bind(fx.uring, UdpBindTckTest.ANY_PORT, UdpOptions.defaults()).block(Fixture.WAIT);
        fx.closing(() -> socket.close().block(Fixture.WAIT));
        closedSocket = UdpServer.bind(fx.uring, UdpBindTckTest.ANY_PORT, UdpOptions.defaults()).block(Fixture.WAIT);
        closedSocket.close().block(Fixture.WAIT);
    }

    @Override
    Publisher<Void> empty() {
        return socket.sendDatagrams(UdpSendTckTest.data().map(b -> new OutboundDatagram(b, peer)));
    }

    @Override
    Publisher<Void> failed() {
        return closedSocket.sendDatagrams(UdpSendTckTest.data().map(b -> new OutboundDatagram(b, peer)));
    }
}
