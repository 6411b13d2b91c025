package dev.uring.samples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.uring.core.Opcode;
import dev.uring.policy.ArgumentFilter;
import dev.uring.policy.PolicyScope;
import dev.uring.policy.RingPolicy;
import dev.uring.reactor.Uring;
import dev.uring.reactor.udp.UdpClient;
import dev.uring.reactor.udp.UdpOptions;
import dev.uring.reactor.udp.UdpServer;
import dev.uring.reactor.udp.UdpSocket;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import reactor.core.publisher.Mono;

@Timeout(60)
class UdpNameServerTest {
    @Test
    void answersEachQuestionDatagramToItsSender() throws Exception {
        try (Uring uring = Uring.create(1); DatagramSocket a = new DatagramSocket(0, InetAddress.getLoopbackAddress());
             DatagramSocket b = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            a.setSoTimeout(5000);
            b.setSoTimeout(5000);
            UdpSocket server = UdpNameServer.start(uring, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                    .block(Duration.ofSeconds(10));
            java.net.SocketAddress at = server.localAddress();
            byte[] q = "A example.test".getBytes(StandardCharsets.UTF_8);
            a.send(new DatagramPacket(q, q.length, at));
            byte[] q2 = "ECHO hi from b".getBytes(StandardCharsets.UTF_8);
            b.send(new DatagramPacket(q2, q2.length, at));
            DatagramPacket p = new DatagramPacket(new byte[1024], 1024);
            a.receive(p);
            assertThat(new String(p.getData(), 0, p.getLength(), StandardCharsets.UTF_8)).isEqualTo("A example.test 192.0.2.10\n");
            b.receive(p);
            assertThat(new String(p.getData(), 0, p.getLength(), StandardCharsets.UTF_8)).isEqualTo("hi from b\n");
            byte[] q3 = "A nowhere.test".getBytes(StandardCharsets.UTF_8);
            a.send(new DatagramPacket(q3, q3.length, at));
            a.receive(p);
            assertThat(new String(p.getData(), 0, p.getLength(), StandardCharsets.UTF_8)).isEqualTo("NXDOMAIN nowhere.test\n");
            server.close().block(Duration.ofSeconds(10));
        }
    }

    @Test
    void repliesFollowTheQuestionFormat() {
        assertThat(UdpNameServer.reply("a SIX.test")).isEqualTo("A SIX.test 2001:db8::6\n");
        assertThat(UdpNameServer.reply("MX x")).startsWith("ERROR");
    }

    @Test
    void aPolicyThatRefusesTheDestinationFailsTheSendAndAllowsTheListedOne() throws Exception {
        try (DatagramSocket allowed = new DatagramSocket(0, InetAddress.getLoopbackAddress());
             DatagramSocket refused = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            allowed.setSoTimeout(5000);
            RingPolicy onlyOnePort = RingPolicy.builder("udp-to-one-port")
                    .allow(Opcode.values())
                    .allowRegisterOps(java.util.EnumSet.allOf(dev.uring.core.RegisterOp.class))
                    .allowFlags(dev.uring.core.SqeFlags.ALL)
                    .filter(new ArgumentFilter.Connect(List.of(ArgumentFilter.Destination.inet(
                            InetAddress.getByName("127.0.0.1"), 32, allowed.getLocalPort(), allowed.getLocalPort()))))
                    .build();
            try (Uring uring = PolicyScope.call(onlyOnePort, () -> Uring.create(1))) {
                UdpSocket s = UdpServer.bind(uring, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                        UdpOptions.defaults()).block(Duration.ofSeconds(10));
                s.sendTo(allowed.getLocalSocketAddress(), Mono.just(ByteBuffer.wrap("ok".getBytes()))).block(Duration.ofSeconds(10));
                DatagramPacket p = new DatagramPacket(new byte[16], 16);
                allowed.receive(p);
                assertThat(p.getLength()).isEqualTo(2);
                assertThatThrownBy(() -> s.sendTo(refused.getLocalSocketAddress(),
                        Mono.just(ByteBuffer.wrap("no".getBytes()))).block(Duration.ofSeconds(10)))
                        .hasCauseInstanceOf(AccessDeniedException.class)
                        .cause().hasMessageContaining("SENDMSG").hasMessageContaining("port " + refused.getLocalPort());
                assertThatThrownBy(() -> UdpClient.connect(uring, refused.getLocalSocketAddress(), UdpOptions.defaults())
                        .block(Duration.ofSeconds(10))).hasCauseInstanceOf(AccessDeniedException.class);
                s.close().block(Duration.ofSeconds(10));
            }
        }
    }
}
