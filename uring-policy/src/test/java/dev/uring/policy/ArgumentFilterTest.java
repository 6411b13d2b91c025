package dev.uring.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uring.core.AtFlags;
import dev.uring.core.Opcode;
import dev.uring.core.OpenFlags;
import dev.uring.core.OpenHow;
import dev.uring.core.Ring;
import dev.uring.core.RingOptions;
import dev.uring.core.SocketAddresses;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Layer 2: argument filters checked before submission, on real rings, files and loopback sockets. */
@Timeout(60)
class ArgumentFilterTest {
    private static final int EACCES = -13;
    private static final int SOCK_NONBLOCK = 04000;

    @TempDir
    Path dir;

    private static Ring ring(RingPolicy policy) throws Exception {
        return Ring.open(RingOptions.defaults().entries(8).setupHooks(false).customizer(PolicyCustomizer.of(policy)));
    }

    private static void close(Ring ring, int fd) throws Exception {
        if (fd >= 0) {
            OneShot.run(ring, 99, s -> s.prepClose(fd));
        }
    }

    @Test
    void socketRuleChecksFamilyAndMaskedType() throws Exception {
        RingPolicy p = RingPolicy.builder("inet-stream").allow(Opcode.SOCKET, Opcode.CLOSE)
                .filter(new ArgumentFilter.Socket(Set.of(SocketAddresses.AF_INET), Set.of(1), Set.of())).build();
        try (Ring ring = ring(p)) {
            int ok = OneShot.run(ring, 1, s -> s.prepSocket(SocketAddresses.AF_INET, 1 | SOCK_NONBLOCK, 0, 0));
            assertThat(ok).isGreaterThanOrEqualTo(0);
            close(ring, ok);
            assertThat(OneShot.run(ring, 2, s -> s.prepSocket(SocketAddresses.AF_INET6, 1, 0, 0))).isEqualTo(EACCES);
            assertThat(ring.denialReason(2)).contains("SOCKET").contains("family 10");
            assertThat(OneShot.run(ring, 3, s -> s.prepSocket(SocketAddresses.AF_INET, 2, 0, 0))).isEqualTo(EACCES);
            assertThat(AccessDenials.forCompletion(ring, Opcode.SOCKET, 3).getMessage()).contains("type 2");
        }
    }

    @Test
    void connectRuleAllowsOnlyListedDestinations() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 4, InetAddress.getLoopbackAddress());
             ServerSocket other = new ServerSocket(0, 4, InetAddress.getLoopbackAddress());
             Arena arena = Arena.ofConfined()) {
            int port = server.getLocalPort();
            RingPolicy p = RingPolicy.builder("loopback-one-port").allow(Opcode.SOCKET, Opcode.CONNECT, Opcode.CLOSE)
                    .filter(new ArgumentFilter.Connect(java.util.List.of(
                            ArgumentFilter.Destination.inet(InetAddress.getByName("127.0.0.0"), 8, port, port))))
                    .build();
            try (Ring ring = ring(p)) {
                int fd = OneShot.run(ring, 1, s -> s.prepSocket(SocketAddresses.AF_INET, 1, 0, 0));
                MemorySegment good = SocketAddresses.allocate(arena, new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
                assertThat(OneShot.run(ring, 2, s -> s.prepConnect(fd, good))).isZero();
                close(ring, fd);
                int fd2 = OneShot.run(ring, 3, s -> s.prepSocket(SocketAddresses.AF_INET, 1, 0, 0));
                MemorySegment bad = SocketAddresses.allocate(arena,
                        new InetSocketAddress(InetAddress.getLoopbackAddress(), other.getLocalPort()));
                assertThat(OneShot.run(ring, 4, s -> s.prepConnect(fd2, bad))).isEqualTo(EACCES);
                assertThat(ring.denialReason(4)).contains("CONNECT").contains("port " + other.getLocalPort());
                close(ring, fd2);
            }
        }
    }

    @Test
    void openRuleRefusesWriteAndCreate() throws Exception {
        Path file = Files.writeString(dir.resolve("f.txt"), "x");
        RingPolicy p = RingPolicy.builder("read-only").allow(Opcode.OPENAT, Opcode.CLOSE)
                .filter(new ArgumentFilter.Open(false, false, null, false)).build();
        try (Ring ring = ring(p); Arena arena = Arena.ofConfined()) {
            MemorySegment path = arena.allocateFrom(file.toString());
            int fd = OneShot.run(ring, 1, s -> s.prepOpenat(AtFlags.FDCWD, path, OpenFlags.O_RDONLY, 0));
            assertThat(fd).isGreaterThanOrEqualTo(0);
            close(ring, fd);
            assertThat(OneShot.run(ring, 2, s -> s.prepOpenat(AtFlags.FDCWD, path, OpenFlags.O_WRONLY, 0))).isEqualTo(EACCES);
            assertThat(ring.denialReason(2)).contains("OPENAT").contains("write");
            MemorySegment fresh = arena.allocateFrom(dir.resolve("new").toString());
            assertThat(OneShot.run(ring, 3, s -> s.prepOpenat(AtFlags.FDCWD, fresh, OpenFlags.O_CREAT, 0600))).isEqualTo(EACCES);
            assertThat(Files.exists(dir.resolve("new"))).isFalse();
        }
    }

    @Test
    void openRootRefusesDotDotAndSymlinkEscapes() throws Exception {
        Path root = Files.createDirectory(dir.resolve("root"));
        Path inside = Files.writeString(root.resolve("in.txt"), "in");
        Path outside = Files.writeString(dir.resolve("secret.txt"), "secret");
        Files.createSymbolicLink(root.resolve("link"), outside);
        Files.createSymbolicLink(root.resolve("dirlink"), dir);
        RingPolicy p = RingPolicy.builder("rooted").allow(Opcode.OPENAT, Opcode.CLOSE)
                .filter(new ArgumentFilter.Open(false, false, root, false)).build();
        try (Ring ring = ring(p); Arena arena = Arena.ofConfined()) {
            int fd = OneShot.run(ring, 1, s -> s.prepOpenat(AtFlags.FDCWD, arena.allocateFrom(inside.toString()), 0, 0));
            assertThat(fd).isGreaterThanOrEqualTo(0);
            close(ring, fd);
            String[] escapes = {outside.toString(), root + "/../secret.txt", root + "/link", root + "/dirlink/secret.txt"};
            long ud = 10;
            for (String e : escapes) {
                MemorySegment path = arena.allocateFrom(e);
                assertThat(OneShot.run(ring, ud, s -> s.prepOpenat(AtFlags.FDCWD, path, 0, 0))).as(e).isEqualTo(EACCES);
                assertThat(ring.denialReason(ud)).as(e).contains("OPENAT").contains("root");
                ud++;
            }
        }
    }

    @Test
    void beneathRuleDemandsResolveBeneathOnOpenat2() throws Exception {
        Path file = Files.writeString(dir.resolve("b.txt"), "b");
        RingPolicy p = RingPolicy.builder("beneath").allow(Opcode.OPENAT, Opcode.OPENAT2, Opcode.CLOSE)
                .filter(new ArgumentFilter.Open(false, false, null, true)).build();
        try (Ring ring = ring(p); Arena arena = Arena.ofConfined()) {
            MemorySegment name = arena.allocateFrom("b.txt");
            MemorySegment dirPath = arena.allocateFrom(dir.toString());
            try (Ring plain = Ring.open(RingOptions.defaults().entries(2).setupHooks(false))) {
                int dirfd = OneShot.run(plain, 1, s -> s.prepOpenat(AtFlags.FDCWD, dirPath, OpenFlags.O_DIRECTORY, 0));
                MemorySegment beneath = OpenHow.allocate(arena, OpenFlags.O_RDONLY, 0, OpenHow.RESOLVE_BENEATH);
                MemorySegment loose = OpenHow.allocate(arena, OpenFlags.O_RDONLY, 0, 0);
                int fd = OneShot.run(ring, 2, s -> s.prepOpenat2(dirfd, name, beneath));
                assertThat(fd).isGreaterThanOrEqualTo(0);
                close(ring, fd);
                assertThat(OneShot.run(ring, 3, s -> s.prepOpenat2(dirfd, name, loose))).isEqualTo(EACCES);
                assertThat(ring.denialReason(3)).contains("RESOLVE_BENEATH");
                assertThat(OneShot.run(ring, 4, s -> s.prepOpenat(dirfd, name, 0, 0))).isEqualTo(EACCES);
                MemorySegment up = arena.allocateFrom("../" + dir.getFileName() + "/b.txt");
                // the kernel itself refuses the escape RESOLVE_BENEATH forbids
                assertThat(OneShot.run(ring, 5, s -> s.prepOpenat2(dirfd, up, beneath))).isEqualTo(-18);
                close(plain, dirfd);
            }
        }
        assertThat(file).exists();
    }

    @Test
    void maxLengthRuleBoundsTheLengthField() throws Exception {
        Path file = Files.writeString(dir.resolve("m"), "0123456789");
        RingPolicy p = RingPolicy.builder("small-reads").allow(Opcode.OPENAT, Opcode.READ, Opcode.CLOSE)
                .filter(new ArgumentFilter.MaxLength(Set.of(Opcode.READ), 4)).build();
        try (Ring ring = ring(p); Arena arena = Arena.ofConfined()) {
            int fd = OneShot.run(ring, 1, s -> s.prepOpenat(AtFlags.FDCWD, arena.allocateFrom(file.toString()), 0, 0));
            assertThat(OneShot.run(ring, 2, s -> s.prepRead(fd, arena.allocate(4), 0))).isEqualTo(4);
            assertThat(OneShot.run(ring, 3, s -> s.prepRead(fd, arena.allocate(8), 0))).isEqualTo(EACCES);
            assertThat(ring.denialReason(3)).contains("READ").contains("length 8 exceeds 4");
            close(ring, fd);
        }
    }
}
