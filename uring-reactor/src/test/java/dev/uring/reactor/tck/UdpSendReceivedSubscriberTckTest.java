package dev.uring.reactor.tck;

import dev.uring.reactor.udp.Datagram;
import dev.uring.reactor.udp.UdpOptions;
import dev.uring.reactor.udp.UdpServer;
import dev.uring.reactor.udp.UdpSocket;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.reactivestreams.Publisher;

/**
 * The subscriber {@link UdpSocket#sendReceived(Publisher)} gives the caller's publisher of received
 * datagrams (each sent back to its sender). Its elements are real {@link Datagram}s: each one sent by
 * a plain {@link DatagramSocket} to the socket and taken from its receive.
 */
public class UdpSendReceivedSubscriberTckTest extends CapturedSubscriberVerification<Datagram> {
    private UdpSocket socket;
    private DatagramSocket peer;

    @Override
    void prepare() throws Exception {
        peer = fx.closing(new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)));
        socket = UdpServer.bind(fx.uring, UdpBindTckTest.ANY_PORT, UdpOptions.defaults()).block(Fixture.WAIT);
        fx.closing(() -> socket.close().block(Fixture.WAIT));
    }

    @Override
    Publisher<?> consume(Publisher<Datagram> data) {
        return socket.sendReceived(data);
    }

    @Override
    public Datagram createElement(int element) {
        try {
            peer.send(new DatagramPacket(new byte[] {(byte) element, 1, 2, 3}, 4, socket.localAddress()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return socket.receive().next().block(Fixture.WAIT);
    }
}
