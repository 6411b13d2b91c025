package dev.uring.reactor.tck;

import dev.uring.reactor.udp.UdpOptions;
import dev.uring.reactor.udp.UdpServer;
import dev.uring.reactor.udp.UdpSocket;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;

/**
 * {@link UdpSocket#close()}: closes a fresh socket each time; a Mono<Void>. No failed form (closing
 * again completes), so the TCK skips the rules on a failed publisher.
 */
public class UdpCloseTckTest extends VoidVerification {
    @Override
    Publisher<Void> empty() {
        UdpSocket s = UdpServer.bind(fx.uring, UdpBindTckTest.ANY_PORT, UdpOptions.defaults()).block(Fixture.WAIT);
        fx.closing(() -> s.close().block(Fixture.WAIT));
        return s.close();
    }

    @Override
    @Nullable Publisher<Void> failed() {
        return null;
    }
}
