package dev.uring.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** Shared test plumbing over a real ring: wait for CQEs, open files, FIFOs and sockets through the ring. */
final class TestRing {
    static final int AF_INET = 2;
    static final int SOCK_STREAM = 1;
    static final int SOCK_CLOEXEC = 02000000;
    static final int POLLIN = 1;

    /** One CQE, copied out of the ring. */
    record Cqe(long userData, int res, int flags) {
    }

    private TestRing() {
    }

    static Ring open(int entries) throws IOException {
        return Ring.open(RingOptions.defaults().entries(entries).setupHooks(false));
    }

    /** Submits what is prepared and collects exactly {@code n} CQEs, failing after 10 s. */
    static List<Cqe> await(Ring ring, int n) throws IOException {
        List<Cqe> out = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        ring.submit();
        while (out.size() < n) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                fail("only " + out.size() + " of " + n + " CQEs arrived: " + out);
            }
            ring.submitAndWait(1, Math.min(left, TimeUnit.MILLISECONDS.toNanos(200)));
            ring.reapCqes((ud, res, flags) -> out.add(new Cqe(ud, res, flags)));
        }
        assertThat(out).hasSize(n);
        return out;
    }

    /** Submits the prepared SQE(s) and returns the single CQE. */
    static Cqe one(Ring ring) throws IOException {
        return await(ring, 1).get(0);
    }

    /** The CQE with {@code userData} among {@code cqes}. */
    static Cqe byUserData(List<Cqe> cqes, long userData) {
        return cqes.stream().filter(c -> c.userData() == userData).findFirst()
                .orElseThrow(() -> new AssertionError("no CQE with user_data " + userData + " in " + cqes));
    }

    /** Opens {@code path} through OPENAT and returns the fd (asserting success). */
    static int openat(Ring ring, Arena arena, String path, int flags, int mode) throws IOException {
        ring.nextSqe().prepOpenat(AtFlags.FDCWD, arena.allocateFrom(path), flags | OpenFlags.O_CLOEXEC, mode)
                .userData(0xF00D);
        Cqe c = one(ring);
        assertThat(c.res()).as("OPENAT %s", path).isGreaterThanOrEqualTo(0);
        return c.res();
    }

    /** Closes {@code fd} through the ring (asserting success). */
    static void close(Ring ring, int fd) throws IOException {
        ring.nextSqe().prepClose(fd).userData(0xC105E);
        assertThat(one(ring).res()).as("CLOSE %d", fd).isZero();
    }

    /** Makes a FIFO with mkfifo(1). */
    static Path mkfifo(Path dir, String name) throws IOException, InterruptedException {
        Path p = dir.resolve(name);
        Process proc = new ProcessBuilder("mkfifo", p.toString()).redirectErrorStream(true).start();
        assertThat(proc.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(proc.exitValue()).as("mkfifo exit").isZero();
        return p;
    }

    /** A FIFO's two ends: the read end opened O_RDWR (never blocks, never sees EOF) and a write end. */
    record Pipe(int readFd, int writeFd) {
    }

    static Pipe pipe(Ring ring, Arena arena, Path dir, String name) throws IOException, InterruptedException {
        Path p = mkfifo(dir, name);
        int r = openat(ring, arena, p.toString(), OpenFlags.O_RDWR, 0);
        int w = openat(ring, arena, p.toString(), OpenFlags.O_WRONLY, 0);
        return new Pipe(r, w);
    }

    /** The number of open fds of this process. */
    static long fdCount() throws IOException {
        try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
            return s.count();
        }
    }

    /** The open fds of this process and what they point at, for failure messages. */
    static List<String> fdList() throws IOException {
        try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
            return s.map(p -> {
                try {
                    return p.getFileName() + "->" + Files.readSymbolicLink(p);
                } catch (IOException e) {
                    return p.getFileName() + "->?";
                }
            }).toList();
        }
    }

    /** A TCP socket opened by the SOCKET op. */
    static int socket(Ring ring) throws IOException {
        ring.nextSqe().prepSocket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0, 0).userData(0x50C);
        Cqe c = one(ring);
        assertThat(c.res()).as("SOCKET").isGreaterThanOrEqualTo(0);
        return c.res();
    }

    /** A free loopback port, found by binding a throwaway server socket. */
    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** bind(2) of {@code fd} to loopback {@code port}, as the kernel's BIND answers: 0, or -errno. */
    private static int bindSyscall(int fd, int port) throws IOException {
        try {
            SocketCalls.bind(fd, new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            return 0;
        } catch (java.net.BindException e) {
            return -dev.uring.core.ffi.Errno.EADDRINUSE;
        }
    }

    /**
     * A listening loopback socket made by SOCKET, BIND and LISTEN (bind(2) and listen(2) before 6.11,
     * as the framework does there); [fd, port].
     */
    static int[] listener(Ring ring, Arena arena) throws IOException {
        for (int attempt = 0; attempt < 10; attempt++) {
            int fd = socket(ring);
            int port = freePort();
            MemorySegment addr = SocketAddresses.allocate(arena,
                    new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            int bind;
            if (KernelFeature.BIND.isAvailable()) {
                ring.nextSqe().prepBind(fd, addr).userData(0xB1);
                bind = one(ring).res();
            } else {
                bind = bindSyscall(fd, port);
            }
            if (bind == -dev.uring.core.ffi.Errno.EADDRINUSE) {
                close(ring, fd);
                continue;
            }
            assertThat(bind).as("BIND").isZero();
            if (KernelFeature.LISTEN.isAvailable()) {
                ring.nextSqe().prepListen(fd, 16).userData(0x115);
                assertThat(one(ring).res()).as("LISTEN").isZero();
            } else {
                SocketCalls.listen(fd, 16);
            }
            return new int[] {fd, port};
        }
        throw new AssertionError("no free loopback port after 10 attempts");
    }

    static String string(MemorySegment seg, int len) {
        return new String(seg.asSlice(0, len).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE),
                java.nio.charset.StandardCharsets.UTF_8);
    }
}
