package dev.uring.reactor.tck;

import dev.uring.reactor.tcp.Connection;
import dev.uring.reactor.tcp.TcpClient;
import dev.uring.reactor.tcp.TcpOptions;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;

/**
 * {@link Connection#close()}: closes a fresh connection each time; a Mono<Void>. It has no failed
 * form (closing again completes), so the TCK skips the rules on a failed publisher.
 */
public class TcpCloseTckTest extends VoidVerification {
    private JavaTcpPeer peer;

    @Override
    void prepare() throws Exception {
        peer = fx.closing(new JavaTcpPeer());
    }

    @Override
    Publisher<Void> empty() throws Exception {
        Connection c = TcpClient.connect(fx.uring, peer.address(), TcpOptions.defaults()).block(Fixture.WAIT);
        fx.closing(() -> c.close().block(Fixture.WAIT));
        peer.accept();
        return c.close();
    }

    @Override
    @Nullable Publisher<Void> failed() {
        return null;
    }
}
