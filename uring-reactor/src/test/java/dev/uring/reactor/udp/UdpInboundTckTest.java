package dev.uring.reactor.udp;

import dev.uring.reactor.TestRuntimes;
import dev.uring.reactor.Uring;
import dev.uring.reactor.net.Inbound;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.reactivestreams.Publisher;
import org.reactivestreams.tck.PublisherVerification;
import org.reactivestreams.tck.TestEnvironment;
import org.testng.annotations.AfterClass;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The Reactive Streams TCK over {@link UdpSocket#receive()} (the generic {@link Inbound}, so the TCP
 * inbound's machinery too): each publisher is a fresh socket whose first {@code n} datagrams are
 * already queued in the kernel, limited to {@code n} with {@code take} (the inbound itself
 * completes only when its socket closes) and copied out so that every ring buffer goes back. The
 * failed publisher is a second subscription to an inbound that already has one. TestNG, run by the
 * JUnit Platform's TestNG engine.
 */
public class UdpInboundTckTest extends PublisherVerification<ByteBuffer> {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private final Uring uring = TestRuntimes.create(1);
    private final List<UdpSocket> sockets = new ArrayList<>();

    public UdpInboundTckTest() {
        super(new TestEnvironment(2000, 200));
    }

    private synchronized UdpSocket socket() {
        UdpSocket s = UdpServer.bind(uring, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                UdpOptions.defaults()).block(WAIT);
        sockets.add(s);
        return s;
    }

    @Override
    public Publisher<ByteBuffer> createPublisher(long elements) {
        UdpSocket rx = socket();
        UdpSocket tx = socket();
        int n = (int) elements;
        tx.sendTo(rx.localAddress(), Flux.range(0, n).map(i -> ByteBuffer.allocate(4).putInt(0, i))).block(WAIT);
        return rx.receive().take(elements).map(d -> {
            try {
                ByteBuffer copy = ByteBuffer.allocate(d.length());
                copy.put(d.content()).flip();
                return copy;
            } finally {
                d.release();
            }
        });
    }

    @Override
    public Publisher<ByteBuffer> createFailedPublisher() {
        UdpSocket rx = socket();
        rx.receive().subscribe(Datagram::release);
        // a second subscriber while the first is active: onSubscribe, then onError
        return rx.receive().map(Datagram::content);
    }

    @Override
    public long maxElementsFromPublisher() {
        return 128; // all queued in the socket before the test subscribes: within loopback's SO_RCVBUF
    }

    @AfterClass
    public void close() throws IOException {
        Mono.when(sockets.stream().map(UdpSocket::close).toList()).block(WAIT);
        uring.close();
    }
}
