package dev.uring.core.loop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uring.core.AtFlags;
import dev.uring.core.OpenFlags;
import dev.uring.core.Opcode;
import dev.uring.core.Sqe;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A loop's counters after known work: exact op, error and overflow counts, levels back to zero, JFR events. */
@Timeout(60)
class LoopStatsTest {
    private static final int EBADF = 9;

    @TempDir
    Path dir;

    /** Submits one op prepared by {@code prep} on the loop; completes with its CQE's res. */
    private static CompletableFuture<Integer> op(EventLoop loop, Function<Sqe, Sqe> prep) {
        CompletableFuture<Integer> f = new CompletableFuture<>();
        loop.execute(() -> {
            long ud = loop.register((res, flags) -> f.complete(res));
            prep.apply(loop.nextSqe()).userData(ud);
        });
        return f;
    }

    private static int await(CompletableFuture<Integer> f) throws Exception {
        return f.get(10, TimeUnit.SECONDS);
    }

    private static void awaitIdle(EventLoop loop) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (loop.stats().inFlight() != 0 && System.nanoTime() - deadline < 0) {
            Thread.onSpinWait();
        }
    }

    @Test
    void statsStayZeroUntilEnabled() throws Exception {
        try (EventLoop loop = LoopTesting.start(8)) {
            await(op(loop, Sqe::prepNop));
            LoopStats s = loop.stats();
            assertThat(s.isEnabled()).isFalse();
            assertThat(s.submitted(Opcode.NOP)).isZero();
            assertThat(s.completedTotal()).isZero();
            assertThat(s.tasks()).isZero();
        }
    }

    @Test
    void nReadsAndMFailedReadsAreCountedExactlyAndInFlightReturnsToZero() throws Exception {
        Path file = Files.write(dir.resolve("data"), new byte[8192]);
        int n = 37;
        int m = 5;
        try (EventLoop loop = LoopTesting.start(8); Arena arena = Arena.ofShared()) {
            loop.enableStats(Duration.ZERO, Duration.ZERO);
            MemorySegment path = arena.allocateFrom(file.toString());
            MemorySegment buf = arena.allocate(4096);
            int fd = await(op(loop, s -> s.prepOpenat(AtFlags.FDCWD, path, OpenFlags.O_RDONLY | OpenFlags.O_CLOEXEC, 0)));
            assertThat(fd).isNotNegative();
            List<CompletableFuture<Integer>> reads = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                reads.add(op(loop, s -> s.prepRead(fd, buf, 0)));
            }
            for (CompletableFuture<Integer> r : reads) {
                assertThat(await(r)).isEqualTo(4096);
            }
            for (int i = 0; i < m; i++) {
                assertThat(await(op(loop, s -> s.prepRead(1_000_000, buf, 0)))).isEqualTo(-EBADF);
            }
            assertThat(await(op(loop, s -> s.prepClose(fd)))).isZero();
            awaitIdle(loop);

            LoopStats s = loop.stats();
            assertThat(s.isEnabled()).isTrue();
            assertThat(s.submitted(Opcode.READ)).isEqualTo(n + m);
            assertThat(s.completed(Opcode.READ)).isEqualTo(n + m);
            assertThat(s.errors(EBADF)).isEqualTo(m);
            assertThat(s.submitted(Opcode.OPENAT)).isEqualTo(1);
            assertThat(s.completed(Opcode.CLOSE)).isEqualTo(1);
            assertThat(s.submittedTotal()).isEqualTo(n + m + 2);
            assertThat(s.completedTotal()).isEqualTo(n + m + 2);
            assertThat(s.submitCalls()).isBetween(1L, (long) n + m + 2);
            assertThat(s.tasks()).isGreaterThanOrEqualTo(n + m + 2);
            assertThat(s.inFlight()).isZero();
            assertThat(LoopStats.errnoName(EBADF)).isEqualTo("EBADF");
        }
    }

    @Test
    void anOverflowBurstIsCountedOnceAndEveryCompletionStillArrives() throws Exception {
        int burst = 64; // a CQ of 16 entries (SQ 8): 48 CQEs wait in the kernel's overflow list
        try (EventLoop loop = LoopTesting.start(8)) {
            loop.enableStats(Duration.ZERO, Duration.ZERO);
            assertThat(loop.stats().cqOverflowEvents()).isZero();
            CompletableFuture<Void> all = new CompletableFuture<>();
            int[] done = {0};
            loop.execute(() -> {
                for (int i = 0; i < burst; i++) {
                    long ud = loop.register((res, flags) -> {
                        if (++done[0] == burst) {
                            all.complete(null);
                        }
                    });
                    loop.nextSqe().prepNop().userData(ud);
                }
            });
            all.get(10, TimeUnit.SECONDS);
            awaitIdle(loop);
            LoopStats s = loop.stats();
            assertThat(s.cqOverflowEvents()).isEqualTo(1);
            assertThat(s.completed(Opcode.NOP)).isEqualTo(burst);
            assertThat(s.inFlight()).isZero();
        }
    }

    @Test
    void busyAndIdleTimeGrow() throws Exception {
        try (EventLoop loop = LoopTesting.start(8)) {
            loop.enableStats(Duration.ZERO, Duration.ZERO);
            await(op(loop, Sqe::prepNop));
            Thread.sleep(50);
            await(op(loop, Sqe::prepNop));
            LoopStats s = loop.stats();
            assertThat(s.idleNanos()).isGreaterThan(TimeUnit.MILLISECONDS.toNanos(20));
            assertThat(s.busyNanos()).isPositive();
        }
    }

    @Test
    void slowOpsAndLoopStallsAreRecordedAsJfrEvents() throws Exception {
        Path jfr = dir.resolve("events.jfr");
        try (Recording recording = new Recording()) {
            recording.enable("dev.uring.SlowOp");
            recording.enable("dev.uring.LoopStall");
            recording.start();
            try (EventLoop loop = LoopTesting.start(8); Arena arena = Arena.ofShared()) {
                loop.enableStats(Duration.ofMillis(150), Duration.ofMillis(200));
                MemorySegment ts = arena.allocate(16, 8);
                ts.set(java.lang.foreign.ValueLayout.JAVA_LONG, 8, TimeUnit.MILLISECONDS.toNanos(300));
                // a TIMEOUT of 300 ms is an op slower than 150 ms; it completes with -ETIME
                assertThat(await(op(loop, s -> s.prepTimeout(ts, 0, 0)))).isEqualTo(-62);
                assertThat(loop.stats().slowOps()).isEqualTo(1);
                // a task that holds the loop 400 ms is a stall over 200 ms (the NOP behind it is slow too)
                loop.execute(() -> {
                    long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(400);
                    while (System.nanoTime() < end) {
                        Thread.onSpinWait();
                    }
                });
                await(op(loop, Sqe::prepNop));
                await(op(loop, Sqe::prepNop));
                // at least the spinning task's pass (a loaded host may stall the loop elsewhere too)
                assertThat(loop.stats().stalls()).isGreaterThanOrEqualTo(1);
            }
            recording.stop();
            recording.dump(jfr);
        }
        List<RecordedEvent> events = RecordingFile.readAllEvents(jfr);
        assertThat(events).filteredOn(e -> e.getEventType().getName().equals("dev.uring.SlowOp"))
                .filteredOn(e -> e.getString("op").equals("TIMEOUT"))
                .singleElement().satisfies(e -> {
                    assertThat(e.getString("op")).isEqualTo("TIMEOUT");
                    assertThat(e.getInt("result")).isEqualTo(-62);
                    assertThat(e.getDuration("latency")).isGreaterThanOrEqualTo(Duration.ofMillis(150));
                });
        assertThat(events).filteredOn(e -> e.getEventType().getName().equals("dev.uring.LoopStall"))
                .anySatisfy(e -> assertThat(e.getDuration("pass")).isGreaterThanOrEqualTo(Duration.ofMillis(400)));
        // and the JDK's jfr tool prints them
        Process jfrPrint = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jfr").toString(), "print",
                "--events", "dev.uring.SlowOp,dev.uring.LoopStall", jfr.toString()).redirectErrorStream(true).start();
        String printed = new String(jfrPrint.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(jfrPrint.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(printed).contains("dev.uring.SlowOp").contains("op = \"TIMEOUT\"").contains("dev.uring.LoopStall");
    }
}
