package dev.uring.reactor.tck;

import dev.uring.reactor.udp.UdpClient;
import dev.uring.reactor.udp.UdpOptions;
import dev.uring.reactor.udp.UdpSocket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;

/**
 * {@link UdpSocket#send(Publisher)} as a publisher: a Mono<Void>, 0 elements (its subscriber side is
 * {@link UdpSendSubscriberTckTest}). Refused: a send on a closed socket, which fails at its first
 * datagram, requested on subscription.
 */
public class UdpSendTckTest extends VoidVerification {
    private UdpSocket socket;
    private UdpSocket closedSocket;

    @Override
    void prepare() throws Exception {
        DatagramSocket peer = fx.closing(new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)));
        socket = UdpClient.connect(fx.uring, peer.getLocalSocketAddress(), UdpOptions.defaults()).block(Fixture.WAIT);
        fx.closing(() -> socket.close().block(Fixture.WAIT));
        closedSocket = UdpClient.connect(fx.uring, peer.getLocalSocketAddress(), UdpOptions.defaults()).block(Fixture.WAIT);
        closedSocket.close().block(Fixture.WAIT);
    }

    static Flux<ByteBuffer> data() {
        return Flux.range(0, 3).map(i -> ByteBuffer.wrap(new byte[] {i.byteValue(), 1, 2, 3}));
    }

    @Override
    Publisher<Void> empty() {
        return socket.send(data());
    }

    @Override
    Publisher<Void> failed() {
        return closedSocket.send(data());
    }
}
