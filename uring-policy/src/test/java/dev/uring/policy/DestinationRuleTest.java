package dev.uring.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uring.core.MsgHdr;
import dev.uring.core.Opcode;
import dev.uring.core.Ring;
import dev.uring.core.RingOptions;
import dev.uring.core.SocketAddresses;
import dev.uring.core.SocketFlags;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The connect rule also holds for the destination a send names (SENDMSG's msg_name, SEND and
 * SEND_ZC's sendto address), on real rings and loopback UDP sockets; a send without one passes.
 */
@Timeout(60)
class DestinationRuleTest {
    private static final int EACCES = -13;

    private static Ring ring(RingPolicy policy) throws Exception {
        return Ring.open(RingOptions.defaults().entries(8).setupHooks(false).customizer(PolicyCustomizer.of(policy)));
    }

    private static RingPolicy onlyPort(int port) throws Exception {
        return RingPolicy.builder("udp-one-port")
                .allow(Opcode.SOCKET, Opcode.CONNECT, Opcode.SENDMSG, Opcode.SENDMSG_ZC, Opcode.SEND, Opcode.SEND_ZC,
                        Opcode.CLOSE)
                .filter(new ArgumentFilter.Connect(List.of(
                        ArgumentFilter.Destination.inet(InetAddress.getByName("127.0.0.0"), 8, port, port))))
                .build();
    }

    private static MemorySegment payload(Arena arena) {
        return arena.allocateFrom("datagram").asSlice(0, 8);
    }

    @Test
    void sendmsgToAnAllowedDestinationIsDeliveredAndToAnotherIsRefused() throws Exception {
        try (DatagramSocket allowed = new DatagramSocket(0, InetAddress.getLoopbackAddress());
             DatagramSocket other = new DatagramSocket(0, InetAddress.getLoopbackAddress());
             Arena arena = Arena.ofConfined();
             Ring ring = ring(onlyPort(allowed.getLocalPort()))) {
            allowed.setSoTimeout(5000);
            int fd = OneShot.run(ring, 1, s -> s.prepSocket(SocketAddresses.AF_INET, SocketFlags.SOCK_DGRAM, 0, 0));
            assertThat(fd).isGreaterThanOrEqualTo(0);
            MsgHdr good = MsgHdr.of(arena, SocketAddresses.allocate(arena, allowed.getLocalSocketAddress()), payload(arena));
            assertThat(OneShot.run(ring, 2, s -> s.prepSendmsg(fd, good.segment(), 0))).isEqualTo(8);
            DatagramPacket p = new DatagramPacket(new byte[16], 16);
            allowed.receive(p);
            assertThat(p.getLength()).isEqualTo(8);

            MsgHdr bad = MsgHdr.of(arena, SocketAddresses.allocate(arena, other.getLocalSocketAddress()), payload(arena));
            assertThat(OneShot.run(ring, 3, s -> s.prepSendmsg(fd, bad.segment(), 0))).isEqualTo(EACCES);
            assertThat(ring.denialReason(3)).contains("SENDMSG").contains("port " + other.getLocalPort());
            assertThat(OneShot.run(ring, 4, s -> s.prepSendmsgZc(fd, bad.segment(), 0, 0))).isEqualTo(EACCES);
            assertThat(ring.denialReason(4)).contains("SENDMSG_ZC");
            OneShot.run(ring, 99, s -> s.prepClose(fd));
        }
    }

    @Test
    void sendToARefusedAddressIsRefusedBeforeTheKernelSeesIt() throws Exception {
        try (DatagramSocket allowed = new DatagramSocket(0, InetAddress.getLoopbackAddress());
             DatagramSocket other = new DatagramSocket(0, InetAddress.getLoopbackAddress());
             Arena arena = Arena.ofConfined();
             Ring ring = ring(onlyPort(allowed.getLocalPort()))) {
            int fd = OneShot.run(ring, 1, s -> s.prepSocket(SocketAddresses.AF_INET, SocketFlags.SOCK_DGRAM, 0, 0));
            MemorySegment bad = SocketAddresses.allocate(arena, other.getLocalSocketAddress());
            assertThat(OneShot.run(ring, 2, s -> s.prepSendto(fd, payload(arena), 0, bad))).isEqualTo(EACCES);
            assertThat(ring.denialReason(2)).contains("SEND denied").contains("port " + other.getLocalPort());
            assertThat(OneShot.run(ring, 3, s -> s.prepSendZcTo(fd, payload(arena), 0, 0, bad))).isEqualTo(EACCES);
            assertThat(ring.denialReason(3)).contains("SEND_ZC");
            OneShot.run(ring, 99, s -> s.prepClose(fd));
        }
    }

    @Test
    void aSendWithoutDestinationOnASocketConnectedToAnAllowedPeerPasses() throws Exception {
        try (DatagramSocket allowed = new DatagramSocket(0, InetAddress.getLoopbackAddress());
             Arena arena = Arena.ofConfined();
             Ring ring = ring(onlyPort(allowed.getLocalPort()))) {
            allowed.setSoTimeout(5000);
            int fd = OneShot.run(ring, 1, s -> s.prepSocket(SocketAddresses.AF_INET, SocketFlags.SOCK_DGRAM, 0, 0));
            MemorySegment peer = SocketAddresses.allocate(arena, allowed.getLocalSocketAddress());
            assertThat(OneShot.run(ring, 2, s -> s.prepConnect(fd, peer))).isZero();
            assertThat(OneShot.run(ring, 3, s -> s.prepSend(fd, payload(arena), 0))).isEqualTo(8);
            MsgHdr unaddressed = MsgHdr.of(arena, MemorySegment.NULL, payload(arena));
            assertThat(OneShot.run(ring, 4, s -> s.prepSendmsg(fd, unaddressed.segment(), 0))).isEqualTo(8);
            DatagramPacket p = new DatagramPacket(new byte[16], 16);
            allowed.receive(p);
            allowed.receive(p);
            assertThat(p.getLength()).isEqualTo(8);
            OneShot.run(ring, 99, s -> s.prepClose(fd));
        }
    }

    @Test
    void anAfUnspecDestinationIsRefusedNotTakenForNone() throws Exception {
        try (DatagramSocket allowed = new DatagramSocket(0, InetAddress.getLoopbackAddress());
             Arena arena = Arena.ofConfined();
             Ring ring = ring(onlyPort(allowed.getLocalPort()))) {
            int fd = OneShot.run(ring, 1, s -> s.prepSocket(SocketAddresses.AF_INET, SocketFlags.SOCK_DGRAM, 0, 0));
            // udp_sendmsg reads an AF_UNSPEC name as an IPv4 destination: a rule must not wave it through
            MemorySegment unspec = SocketAddresses.allocate(arena,
                    new InetSocketAddress(InetAddress.getLoopbackAddress(), allowed.getLocalPort() + 1));
            unspec.set(java.lang.foreign.ValueLayout.JAVA_SHORT, 0, (short) 0);
            MsgHdr m = MsgHdr.of(arena, unspec, payload(arena));
            assertThat(OneShot.run(ring, 2, s -> s.prepSendmsg(fd, m.segment(), 0))).isEqualTo(EACCES);
            assertThat(ring.denialReason(2)).contains("family 0");
            OneShot.run(ring, 99, s -> s.prepClose(fd));
        }
    }

    @Test
    void aSendmsgWithoutAMsghdrIsRefusedByTheRuleNotThrown() throws Exception {
        RingPolicy p = onlyPort(9);
        try (Ring ring = ring(p)) {
            // a bare SENDMSG / SENDMSG_ZC (msghdr address 0): nothing to read, so no allowed destination
            assertThat(OneShot.run(ring, 1, s -> s.prepBare(Opcode.SENDMSG))).isEqualTo(EACCES);
            assertThat(ring.denialReason(1)).contains("SENDMSG").contains("family 0");
            assertThat(OneShot.run(ring, 2, s -> s.prepBare(Opcode.SENDMSG_ZC))).isEqualTo(EACCES);
        }
    }

    @Test
    void theProfileConnectRuleNamesTheSendOps() {
        RingPolicy p = PolicyProfiles.builtIn("network-client");
        ArgumentFilter connect = p.filters().stream().filter(f -> f instanceof ArgumentFilter.Connect).findFirst()
                .orElseThrow();
        assertThat(connect.ops()).contains(Opcode.CONNECT, Opcode.SENDMSG, Opcode.SENDMSG_ZC, Opcode.SEND,
                Opcode.SEND_ZC);
        assertThat(PolicyProfiles.parse(PolicyProfiles.format(p), "round trip")).isEqualTo(p);
    }
}
