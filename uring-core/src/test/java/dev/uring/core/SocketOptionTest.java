package dev.uring.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.foreign.Arena;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** setsockopt/getsockopt and getsockname/getpeername on sockets made by the SOCKET op. */
@Timeout(30)
class SocketOptionTest {
    private Ring ring;
    private Arena arena;

    @BeforeEach
    void open() throws Exception {
        ring = TestRing.open(16);
        arena = Arena.ofConfined();
    }

    @AfterEach
    void close() throws Exception {
        ring.close();
        arena.close();
    }

    @Test
    void setOptionsReadBackFromTheKernel() throws Exception {
        int fd = TestRing.socket(ring);
        try {
            assertThat(SocketOption.TCP_NODELAY.get(fd)).isZero();
            SocketOption.TCP_NODELAY.set(fd, true);
            assertThat(SocketOption.TCP_NODELAY.get(fd)).isEqualTo(1);
            SocketOption.SO_KEEPALIVE.set(fd, true);
            assertThat(SocketOption.SO_KEEPALIVE.get(fd)).isEqualTo(1);
            SocketOption.SO_REUSEPORT.set(fd, true);
            assertThat(SocketOption.SO_REUSEPORT.get(fd)).isEqualTo(1);
            SocketOption.SO_SNDBUF.set(fd, 48 * 1024);
            // the kernel doubles the value for its bookkeeping
            assertThat(SocketOption.SO_SNDBUF.get(fd)).isEqualTo(96 * 1024);
            assertThat(SocketOption.SO_ERROR.get(fd)).isZero();
        } finally {
            TestRing.close(ring, fd);
        }
    }

    @Test
    void optionOnANonSocketFailsNamingTheOptionAndErrno() throws Exception {
        // the ring's own fd is no socket
        assertThatThrownBy(() -> SocketOption.TCP_NODELAY.set(ring.fd(), true))
                .isInstanceOf(UringException.class)
                .hasMessageContaining("setsockopt(TCP_NODELAY)")
                .hasMessageContaining("ENOTSOCK");
        assertThatThrownBy(() -> SocketOption.SO_RCVBUF.get(-1))
                .isInstanceOf(UringException.class)
                .hasMessageContaining("EBADF");
    }

    @Test
    void namesOfAConnectedPair() throws Exception {
        int[] l = TestRing.listener(ring, arena);
        int fd = TestRing.socket(ring);
        try {
            InetSocketAddress local = (InetSocketAddress) SocketNames.local(l[0]);
            assertThat(local.getPort()).isEqualTo(l[1]);
            assertThat(local.getAddress()).isEqualTo(InetAddress.getLoopbackAddress());
            assertThatThrownBy(() -> SocketNames.peer(fd)).isInstanceOf(UringException.class)
                    .hasMessageContaining("getpeername").hasMessageContaining("ENOTCONN");
            ring.nextSqe().prepConnect(fd, SocketAddresses.allocate(arena, local)).userData(1);
            assertThat(TestRing.one(ring).res()).isZero();
            assertThat(SocketNames.peer(fd)).isEqualTo(local);
        } finally {
            TestRing.close(ring, fd);
            TestRing.close(ring, l[0]);
        }
    }
}
