package dev.uring.reactor.tck;

import dev.uring.reactor.udp.Datagram;
import dev.uring.reactor.udp.UdpOptions;
import dev.uring.reactor.udp.UdpServer;
import dev.uring.reactor.udp.UdpSocket;
import dev.uring.reactor.Uring;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.reactivestreams.Publisher;

/**
 * {@link UdpSocket#receive()} itself, no operator in between (the multishot RECVMSG): each publisher
 * is a fresh socket into which a plain {@link DatagramSocket} has already sent {@code min(n, 128)}
 * datagrams (within loopback's SO_RCVBUF). The inbound completes only when its socket closes, so it
 * is an endless publisher for the TCK ({@link #publisherUnableToSignalOnComplete()}), which skips the
 * rules that need a completion; no rule takes more than 20 items of it. The TCK drops the datagrams
 * without releasing them, so the ring has enough for the whole class. The failed publisher is the
 * inbound of a socket whose runtime was closed: onError right after onSubscribe.
 */
public class UdpReceiveTckTest extends FluxVerification<Datagram> {
    private static final UdpOptions OPTIONS = UdpOptions.defaults().readBufferCount(4096);
    private DatagramSocket sender;

    @Override
    void prepare() throws Exception {
        sender = fx.closing(new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)));
    }

    @Override
    Publisher<Datagram> publisher(long elements) throws Exception {
        UdpSocket rx = UdpServer.bind(fx.uring, UdpBindTckTest.ANY_PORT, OPTIONS).block(Fixture.WAIT);
        fx.closing(() -> rx.close().block(Fixture.WAIT));
        for (int i = 0; i < Math.min(elements, 128); i++) {
            sender.send(new DatagramPacket(new byte[] {(byte) i, 1, 2, 3}, 4, rx.localAddress()));
        }
        return rx.receive();
    }

    @Override
    Publisher<Datagram> failed() throws Exception {
        Uring other = Uring.create(1);
        UdpSocket rx = UdpServer.bind(other, UdpBindTckTest.ANY_PORT, OPTIONS).block(Fixture.WAIT);
        other.close();
        return rx.receive();
    }

    @Override
    public long maxElementsFromPublisher() {
        return publisherUnableToSignalOnComplete();
    }
}
