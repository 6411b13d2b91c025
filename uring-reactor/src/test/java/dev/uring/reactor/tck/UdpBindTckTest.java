package dev.uring.reactor.tck;

import dev.uring.reactor.udp.UdpOptions;
import dev.uring.reactor.udp.UdpServer;
import dev.uring.reactor.udp.UdpSocket;
import dev.uring.reactor.Uring;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.reactivestreams.Publisher;

/**
 * {@link UdpServer#bind(Uring, java.net.SocketAddress, UdpOptions)}: an unconnected socket on an
 * ephemeral loopback port; the sockets the TCK drops are closed with the runtime. Refused: on a closed runtime.
 */
public class UdpBindTckTest extends MonoVerification<UdpSocket> {
    static final InetSocketAddress ANY_PORT = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    private Uring closed;

    @Override
    void prepare() throws Exception {
        closed = Fixture.closedRuntime();
    }

    @Override
    Publisher<UdpSocket> value() {
        return UdpServer.bind(fx.uring, ANY_PORT, UdpOptions.defaults());
    }

    @Override
    Publisher<UdpSocket> failed() {
        return UdpServer.bind(closed, ANY_PORT, UdpOptions.defaults());
    }
}
