package dev.uring.reactor.tck;

import dev.uring.reactor.tcp.Connection;
import dev.uring.reactor.tcp.ReceivedBuffer;
import dev.uring.reactor.tcp.TcpClient;
import dev.uring.reactor.tcp.TcpOptions;
import java.io.OutputStream;
import java.net.Socket;
import org.reactivestreams.Publisher;

/**
 * {@link Connection#receive()} itself, no operator in between: each publisher is a fresh connection
 * to a {@link JavaTcpPeer} that has already written {@code n} chunks of exactly the ring's buffer
 * size and shut its output, so the inbound yields exactly {@code n} buffers and completes at the end
 * of the stream. For more than 4096 (the rule 3.17 asks for {@code Integer.MAX_VALUE}) the peer
 * writes without end. The TCK drops the buffers without releasing them, so the ring has enough for
 * the whole class. The failed publisher is the inbound of a connection the peer has reset (an RST)
 * before anyone received: the issue asks that a failed connection signal onError right after
 * onSubscribe, without waiting for demand (rules 1.9 and 1.4).
 */
public class TcpReceiveTckTest extends FluxVerification<ReceivedBuffer> {
    private static final int CHUNK = 512;
    private static final TcpOptions OPTIONS = TcpOptions.defaults().readBufferSize(CHUNK).readBufferCount(8192);
    private JavaTcpPeer peer;

    @Override
    void prepare() throws Exception {
        peer = fx.closing(new JavaTcpPeer());
    }

    private Connection connect() {
        Connection c = TcpClient.connect(fx.uring, peer.address(), OPTIONS).block(Fixture.WAIT);
        fx.closing(() -> c.close().block(Fixture.WAIT));
        return c;
    }

    @Override
    Publisher<ReceivedBuffer> publisher(long elements) throws Exception {
        Connection c = connect();
        Socket s = peer.accept();
        OutputStream out = s.getOutputStream();
        if (elements <= 4096) {
            // all of it is in the connection's socket before the TCK subscribes: each RECV takes one whole chunk
            out.write(new byte[(int) elements * CHUNK]);
            s.shutdownOutput();
        } else {
            Thread.ofVirtual().name("tck-tcp-peer").start(() -> {
                byte[] chunks = new byte[16 * CHUNK];
                try {
                    while (true) {
                        out.write(chunks);
                    }
                } catch (java.io.IOException e) {
                    // the connection closed: the test is over
                }
            });
        }
        return c.receive();
    }

    @Override
    Publisher<ReceivedBuffer> failed() throws Exception {
        Connection c = connect();
        Socket s = peer.accept();
        s.setSoLinger(true, 0);
        s.close(); // RST
        Thread.sleep(20); // the reset reaches the connection's socket (loopback: at once)
        return c.receive();
    }
}
