package dev.uring.reactor.tcp;

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
 * The Reactive Streams TCK over {@link Connection#receive()}, the TCP side of the generic
 * {@link Inbound}: each publisher is a fresh connection to a server that sends without end, limited
 * to {@code n} buffers with {@code take} (the inbound itself completes only at the end of the
 * stream) and copied out so that every ring buffer goes back. The failed publisher is a second
 * subscription to an inbound that already has one.
 */
public class TcpInboundTckTest extends PublisherVerification<ByteBuffer> {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final ByteBuffer CHUNK = ByteBuffer.allocateDirect(512).asReadOnlyBuffer();
    private final Uring uring = TestRuntimes.create(1);
    private final DisposableServer server;
    private final List<Connection> connections = new ArrayList<>();

    public TcpInboundTckTest() {
        super(new TestEnvironment(2000, 200));
        server = TcpServer.bind(uring, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), TcpOptions.defaults(),
                c -> c.send(Flux.<ByteBuffer>generate(s -> s.next(CHUNK.duplicate()))).onErrorComplete())
                .block(WAIT);
    }

    private synchronized Connection connect() {
        Connection c = TcpClient.connect(uring, server.address(), TcpOptions.defaults()).block(WAIT);
        connections.add(c);
        return c;
    }

    @Override
    public Publisher<ByteBuffer> createPublisher(long elements) {
        return connect().receive().take(elements).map(b -> {
            try {
                ByteBuffer copy = ByteBuffer.allocate(b.length());
                copy.put(b.buffer()).flip();
                return copy;
            } finally {
                b.release();
            }
        });
    }

    @Override
    public Publisher<ByteBuffer> createFailedPublisher() {
        Connection c = connect();
        c.receive().subscribe(ReceivedBuffer::release);
        return c.receive().map(ReceivedBuffer::buffer);
    }

    @Override
    public long maxElementsFromPublisher() {
        return 1024;
    }

    @AfterClass
    public void close() throws IOException {
        Mono.when(connections.stream().map(Connection::close).toList()).block(WAIT);
        server.dispose();
        server.onDispose().block(WAIT);
        uring.close();
    }
}
