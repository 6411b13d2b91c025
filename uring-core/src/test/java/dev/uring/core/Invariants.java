package dev.uring.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uring.core.loop.EventLoop;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The reliability suites' shared checks for uring-core: the soak switch, the process baseline (open
 * fds and io_uring mappings) that must come back after a suite, the pending-op count of a loop,
 * and the one-line figures each suite prints.
 */
public final class Invariants {
    /** Set by {@code -Psoak} (system property {@code uring.soak}): the suites run their long mode. */
    public static final boolean SOAK = Boolean.getBoolean("uring.soak");

    private Invariants() {
    }

    /** {@code ci} in the fast CI mode, {@code soak} under {@code -Psoak}. */
    public static int scale(int ci, int soak) {
        return SOAK ? soak : ci;
    }

    /** Open fds and io_uring mappings of this process at one moment. */
    public record Baseline(long fds, long ringMappings) {
    }

    /**
     * The process baseline now, taken after one event loop has run and one loopback connection was
     * closed, so that the fds kept for the life of the JVM are part of it: the process-wide ring that
     * wakes loops, and the socket the JDK keeps for closing sockets (its "pre-close" fd).
     */
    public static Baseline baseline() throws IOException {
        EventLoop.start(EventLoop.defaultOptions(2).setupHooks(false), Thread.ofPlatform().factory()).close();
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             Socket client = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
             Socket accepted = server.accept()) {
            accepted.setSoLinger(true, 0);
        }
        return new Baseline(TestRing.fdCount(), ringMappings());
    }

    /**
     * Asserts the fds and io_uring mappings are back to {@code before}; waits a little first, as a
     * closing loop thread may still be unmapping its ring when its last completion was delivered.
     */
    public static void assertBackTo(Baseline before) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        Baseline now = new Baseline(TestRing.fdCount(), ringMappings());
        while (!now.equals(before) && System.nanoTime() < deadline) {
            Thread.sleep(10);
            now = new Baseline(TestRing.fdCount(), ringMappings());
        }
        assertThat(now.fds()).as("open fds back to baseline: %s", TestRing.fdList()).isEqualTo(before.fds());
        assertThat(now.ringMappings()).as("io_uring mappings back to baseline").isEqualTo(before.ringMappings());
    }

    /** How many io_uring ring regions this process has mapped (SQ, CQ, SQE arrays). */
    public static long ringMappings() throws IOException {
        try (var lines = Files.lines(Path.of("/proc/self/maps"))) {
            return lines.filter(l -> l.contains("io_uring")).count();
        }
    }

    /** The ops in flight on {@code loop}, asked on its thread. */
    public static int pendingOps(EventLoop loop) throws Exception {
        CompletableFuture<Integer> f = new CompletableFuture<>();
        loop.execute(() -> f.complete(loop.pendingOps()));
        return f.get(30, TimeUnit.SECONDS);
    }

    /** Asserts that no loop of {@code loops} holds a pending-op slot. */
    public static void assertNoPendingOps(List<EventLoop> loops) throws Exception {
        for (EventLoop l : loops) {
            assertThat(pendingOps(l)).as("pending-op slots still held by %s", l).isZero();
        }
    }

    /**
     * Prints one line of figures for {@code suite} ({@code key=value} pairs in order), which the
     * test output keeps for the report: ops run, faults injected, inputs tried, lost/leaked/escaped.
     */
    public static void report(String suite, Object... keyValues) {
        StringBuilder b = new StringBuilder("[reliability] ").append(suite).append(SOAK ? " (soak)" : " (ci)");
        for (int i = 0; i + 1 < keyValues.length; i += 2) {
            b.append(' ').append(keyValues[i]).append('=').append(keyValues[i + 1]);
        }
        System.out.println(b);
    }
}
