package dev.uring.reactor.tck;

import dev.uring.reactor.tcp.DisposableServer;
import dev.uring.reactor.tcp.TcpOptions;
import dev.uring.reactor.tcp.TcpServer;
import dev.uring.reactor.Uring;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;

/**
 * {@link TcpServer#bind(Uring, java.net.SocketAddress, TcpOptions, java.util.function.Function)}: a
 * listener on an ephemeral loopback port; the servers the TCK drops are closed with the runtime.
 * Refused: on a closed runtime.
 */
public class TcpBindTckTest extends MonoVerification<DisposableServer> {
    private static final InetSocketAddress ANY_PORT = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    private Uring closed;

    @Override
    void prepare() throws Exception {
        closed = Fixture.closedRuntime();
    }

    @Override
    Publisher<DisposableServer> value() {
        return TcpServer.bind(fx.uring, ANY_PORT, TcpOptions.defaults(), c -> Mono.never());
    }

    @Override
    Publisher<DisposableServer> failed() {
        return TcpServer.bind(closed, ANY_PORT, TcpOptions.defaults(), c -> Mono.never());
    }
}
