package dev.uring.reactor.tck;

import dev.uring.reactor.udp.UdpClient;
import dev.uring.reactor.udp.UdpOptions;
import dev.uring.reactor.udp.UdpSocket;
import dev.uring.reactor.Uring;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.reactivestreams.Publisher;

/**
 * {@link UdpClient#connect(Uring, java.net.SocketAddress, UdpOptions)}: a socket connected to a
 * loopback peer; the sockets the TCK drops are closed with the runtime. Refused: on a closed runtime.
 */
public class UdpConnectTckTest extends MonoVerification<UdpSocket> {
    private InetSocketAddress peer;
    private Uring closed;

    @Override
    void prepare() throws Exception {
        DatagramSocket s = fx.closing(new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)));
        peer = (InetSocketAddress) s.getLocalSocketAddress();
        closed = Fixture.closedRuntime();
    }

    @Override
    Publisher<UdpSocket> value() {
        return UdpClient.connect(fx.uring, peer, UdpOptions.defaults());
    }

    @Override
    Publisher<UdpSocket> failed() {
        return UdpClient.connect(closed, peer, UdpOptions.defaults());
    }
}
