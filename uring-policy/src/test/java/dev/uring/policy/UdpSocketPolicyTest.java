package dev.uring.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uring.core.Opcode;
import dev.uring.core.RegisterOp;
import dev.uring.core.SqeFlags;
import dev.uring.reactor.Uring;
import dev.uring.reactor.udp.Datagram;
import dev.uring.reactor.udp.UdpClient;
import dev.uring.reactor.udp.UdpOptions;
import dev.uring.reactor.udp.UdpServer;
import dev.uring.reactor.udp.UdpSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import reactor.core.publisher.Mono;

/**
 * The connect rule on the reactive UDP API: a {@code UdpSocket} used inside a policy scope sends
 * to the allowed destination, and a send (SENDMSG naming the recipient) or a connect to any other
 * is refused by the ring before the kernel sends anything, with an AccessDeniedException.
 */
@Timeout(60)
class UdpSocketPolicyTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    /** Every op, but datagrams and connects only to 127.0.0.0/8 on {@code port}. */
    private static RingPolicy onlyPort(int port) throws Exception {
        return RingPolicy.builder("udp-one-port")
                .allowOps(EnumSet.allOf(Opcode.class))
                .allowRegisterOps(EnumSet.allOf(RegisterOp.class))
                .allowFlags(SqeFlags.ALL)
                .filter(new ArgumentFilter.Connect(List.of(
                        ArgumentFilter.Destination.inet(InetAddress.getByName("127.0.0.0"), 8, port, port))))
                .build();
    }

    private static InetSocketAddress loopback() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    }

    private static int port(UdpSocket s) {
        return ((InetSocketAddress) s.localAddress()).getPort();
    }

    private static ByteBuffer text(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
    }

    private static Throwable failure(Mono<?> m) {
        Throwable t = m.then(Mono.<Throwable>empty()).onErrorResume(Mono::just).block(WAIT);
        assertThat(t).as("the op must fail").isNotNull();
        return t;
    }

    @Test
    void aDatagramToARefusedDestinationIsDeniedAndOneToTheAllowedPeerArrives() throws Exception {
        try (Uring uring = Uring.create(1)) {
            UdpSocket allowed = UdpServer.bind(uring, loopback(), UdpOptions.defaults()).block(WAIT);
            UdpSocket other = UdpServer.bind(uring, loopback(), UdpOptions.defaults()).block(WAIT);
            RingPolicy policy = onlyPort(port(allowed));
            // made and used in the scope: the socket lives on a loop of the policy's runtime
            UdpSocket tx = PolicyScope.call(policy, () -> UdpServer.bind(uring, loopback(), UdpOptions.defaults()).block(WAIT));
            try {
                PolicyScope.call(policy, () -> tx.sendTo(allowed.localAddress(), Mono.just(text("allowed"))).block(WAIT));
                Datagram d = allowed.receive().next().block(WAIT);
                assertThat(StandardCharsets.UTF_8.decode(d.content()).toString()).isEqualTo("allowed");
                d.release();

                Throwable refused = PolicyScope.call(policy,
                        () -> failure(tx.sendTo(other.localAddress(), Mono.just(text("refused")))));
                assertThat(refused).isInstanceOf(AccessDeniedException.class)
                        .hasMessageContaining("SENDMSG").hasMessageContaining("port " + port(other));
                Throwable connect = PolicyScope.call(policy,
                        () -> failure(UdpClient.connect(uring, other.localAddress(), UdpOptions.defaults())));
                assertThat(connect).isInstanceOf(AccessDeniedException.class).hasMessageContaining("CONNECT");
                Datagram leaked = other.receive().next().timeout(Duration.ofMillis(300), Mono.empty()).block(WAIT);
                assertThat(leaked).as("a datagram at the refused destination").isNull();
                // outside the scope the same runtime sends there
                other.sendTo(allowed.localAddress(), Mono.just(text("outside"))).block(WAIT);
                Datagram o = allowed.receive().next().block(WAIT);
                assertThat(o.sender()).isEqualTo(other.localAddress());
                o.release();
            } finally {
                Mono.when(tx.close(), allowed.close(), other.close()).block(WAIT);
            }
        }
    }
}
