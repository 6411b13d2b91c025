package dev.uring.reactor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uring.core.loop.EventLoop;
import dev.uring.reactor.op.Held;
import dev.uring.reactor.op.KernelHeld;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The reliability suites' shared checks for uring-reactor: the soak switch, the process baseline
 * (open fds, io_uring mappings, ops whose memory the kernel holds) that must come back after a
 * suite, the pending-op slots of a runtime's loops, and the one-line figures each suite prints.
 */
public final class ReactorInvariants {
    /** Set by {@code -Psoak} (system property {@code uring.soak}): the suites run their long mode. */
    public static final boolean SOAK = Boolean.getBoolean("uring.soak");

    private ReactorInvariants() {
    }

    /** {@code ci} in the fast CI mode, {@code soak} under {@code -Psoak}. */
    public static int scale(int ci, int soak) {
        return SOAK ? soak : ci;
    }

    /** Open fds, io_uring mappings and kernel-held ops at one moment. */
    public record Baseline(long fds, long ringMappings, int kernelHeld) {
    }

    /**
     * The baseline now, after a throwaway runtime and loopback connection, so that the fds the JVM
     * keeps for its life (the loops' wake-up ring, the JDK's pre-close socket) are part of it.
     */
    public static Baseline baseline() throws IOException {
        Uring.create(1).close();
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             Socket client = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
             Socket accepted = server.accept()) {
            accepted.setSoLinger(true, 0);
        }
        return now();
    }

    private static Baseline now() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"));
             Stream<String> maps = Files.lines(Path.of("/proc/self/maps"))) {
            return new Baseline(fds.count(), maps.filter(l -> l.contains("io_uring")).count(), KernelHeld.count());
        }
    }

    /** Asserts fds, mappings and kernel-held ops are back to {@code before} (final CQEs arrive asynchronously: bounded wait). */
    public static void assertBackTo(Baseline before) throws IOException, InterruptedException {
        Held.awaitCount(before.kernelHeld());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        Baseline now = now();
        while (!now.equals(before) && System.nanoTime() < deadline) {
            Thread.sleep(10);
            now = now();
        }
        assertThat(now).as("fds, io_uring mappings, kernel-held ops back to baseline").isEqualTo(before);
    }

    /** What each open fd of this process points at (for fds left open, and by what). */
    public static java.util.List<String> fdTargets() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.map(p -> {
                try {
                    return Files.readSymbolicLink(p).toString();
                } catch (IOException e) {
                    return "?"; // closed while listing (the listing's own fd)
                }
            }).toList();
        }
    }

    /** This process's open fds, less the jars the class loaders open lazily (not ours to count). */
    public static long openFdsBesidesJars() throws IOException {
        return fdTargets().stream().filter(t -> !t.endsWith(".jar") && !t.equals("?")).count();
    }

    /** Whether {@code condition} holds within 10 s, asked every 5 ms. */
    public static boolean eventually(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < end) {
            if (condition.getAsBoolean()) {
                return true;
            }
            Thread.sleep(5);
        }
        return condition.getAsBoolean();
    }

    /** Asserts that no loop of {@code uring} holds a pending-op slot. */
    public static void assertNoPendingOps(Uring uring) throws Exception {
        for (EventLoop l : uring.group()) {
            CompletableFuture<Integer> f = new CompletableFuture<>();
            l.execute(() -> f.complete(l.pendingOps()));
            assertThat(f.get(30, TimeUnit.SECONDS)).as("pending-op slots held by %s", l).isZero();
        }
    }

    /** Prints one line of figures for {@code suite} ({@code key=value} pairs), for the report. */
    public static void report(String suite, Object... keyValues) {
        StringBuilder b = new StringBuilder("[reliability] ").append(suite).append(SOAK ? " (soak)" : " (ci)");
        for (int i = 0; i + 1 < keyValues.length; i += 2) {
            b.append(' ').append(keyValues[i]).append('=').append(keyValues[i + 1]);
        }
        System.out.println(b);
    }
}
