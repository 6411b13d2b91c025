package dev.uring.reactor.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.uring.core.OpenFlags;
import dev.uring.core.files.FixedFile;
import dev.uring.core.files.FixedFileTable;
import dev.uring.core.loop.EventLoop;
import dev.uring.reactor.Uring;
import dev.uring.reactor.file.ReactiveFile;
import dev.uring.reactor.tcp.Connection;
import dev.uring.reactor.tcp.DisposableServer;
import dev.uring.reactor.tcp.ReceivedBuffer;
import dev.uring.reactor.tcp.TcpClient;
import dev.uring.reactor.tcp.TcpOptions;
import dev.uring.reactor.tcp.TcpServer;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/** The meters of a runtime in a real SimpleMeterRegistry after known work: exact counts, levels back to zero. */
@Timeout(60)
class UringMetricsTest {
    @TempDir
    Path dir;

    private static double count(SimpleMeterRegistry registry, String name, String... tags) {
        return registry.find(UringMetrics.PREFIX + name).tags(tags).functionCounters().stream()
                .mapToDouble(FunctionCounter::count).sum();
    }

    private static double gauge(SimpleMeterRegistry registry, String name) {
        return registry.find(UringMetrics.PREFIX + name).gauges().stream().mapToDouble(Gauge::value).sum();
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean() && System.nanoTime() - deadline < 0) {
            Thread.sleep(1);
        }
    }

    @Test
    void metricsAreOffUntilAskedFor() throws Exception {
        Path file = Files.write(dir.resolve("off"), new byte[4096]);
        try (Uring uring = Uring.create(1)) {
            ReactiveFile f = ReactiveFile.open(uring, file).block();
            f.read(0, 4096).block();
            f.close().block();
            EventLoop loop = uring.group().get(0);
            assertThat(uring.isCounting()).isFalse();
            assertThat(loop.stats().isEnabled()).isFalse();
            assertThat(loop.stats().submittedTotal()).isZero();
            assertThat(loop.stats().completedTotal()).isZero();
        }
    }

    @Test
    void nReadsAreCountedExactlyAndInFlightReturnsToZero() throws Exception {
        int n = 25;
        Path file = Files.write(dir.resolve("data"), new byte[64 * 1024]);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (Uring uring = Uring.create(2).metrics(registry)) {
            ReactiveFile f = ReactiveFile.open(uring, file).block();
            Flux.range(0, n).flatMap(i -> f.read(i * 1024L, 1024), 8).blockLast(Duration.ofSeconds(10));
            f.close().block();
            await(() -> gauge(registry, "ops.in.flight") == 0);

            assertThat(count(registry, "ops.submitted", "op", "READ")).isEqualTo(n);
            assertThat(count(registry, "ops.completed", "op", "READ")).isEqualTo(n);
            assertThat(count(registry, "ops.completed", "op", "CLOSE")).isEqualTo(1);
            assertThat(count(registry, "ops.errors")).isZero();
            assertThat(gauge(registry, "ops.in.flight")).isZero();
            assertThat(count(registry, "submit.sqes")).isGreaterThanOrEqualTo(n);
            assertThat(count(registry, "submit.calls")).isBetween(1.0, count(registry, "submit.sqes"));
            assertThat(count(registry, "loop.tasks")).isPositive();
            assertThat(count(registry, "loop.busy.time") + count(registry, "loop.idle.time")).isPositive();
            // two loops: every per-loop meter twice, tagged with the runtime's name and the loop's index
            assertThat(registry.find(UringMetrics.PREFIX + "ops.in.flight").tag("runtime", uring.name()).gauges())
                    .hasSize(2);
        }
    }

    @Test
    void theInFlightGaugeRisesWhileAnOpWaitsAndFallsBackToZero() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (Uring uring = Uring.create(1).metrics(registry)) {
            Disposable timer = uring.timer(Duration.ofSeconds(1)).subscribe();
            await(() -> gauge(registry, "ops.in.flight") == 1);
            assertThat(gauge(registry, "ops.in.flight")).isEqualTo(1);
            await(timer::isDisposed);
            await(() -> gauge(registry, "ops.in.flight") == 0);
            assertThat(gauge(registry, "ops.in.flight")).isZero();
            assertThat(count(registry, "ops.completed", "op", "TIMEOUT")).isEqualTo(1);
        }
    }

    @Test
    void anOverflowBurstIsCountedAndEveryNopCompletes() throws Exception {
        int burst = 200; // on a CQ of 16 entries (SQ 8), all from one loop pass
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (Uring uring = Uring.create(1, EventLoop.defaultOptions(8)).metrics(registry)) {
            Mono.defer(() -> Flux.range(0, burst).flatMap(i -> uring.nop(0), burst).then())
                    .subscribeOn(uring.scheduler())
                    .block(Duration.ofSeconds(10));
            await(() -> gauge(registry, "ops.in.flight") == 0);
            assertThat(count(registry, "ops.completed", "op", "NOP")).isEqualTo(burst);
            assertThat(count(registry, "cq.overflows")).isEqualTo(1);
            assertThat(gauge(registry, "ops.in.flight")).isZero();
        }
    }

    @Test
    void everyMeterIsTaggedWithBoundedValues() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (Uring uring = Uring.create(1).metrics(registry)) {
            String slots = UringMetrics.PREFIX + "files.slots";
            assertThat(registry.getMeters()).isNotEmpty().allSatisfy((Meter m) -> {
                assertThat(m.getId().getName()).startsWith(UringMetrics.PREFIX);
                if (m.getId().getName().equals(slots)) {
                    // the group's table: one per runtime, named after it
                    assertThat(m.getId().getTag("table")).isEqualTo(uring.name());
                    assertThat(m.getId().getTag("state")).isIn("used", "free");
                } else {
                    assertThat(m.getId().getTag("runtime")).isEqualTo(uring.name());
                    assertThat(m.getId().getTag("loop")).isEqualTo("0");
                }
            });
            // per loop: op x {submitted, completed}, errno x errors, and 10 single meters; per runtime: 2 slot gauges
            assertThat(registry.getMeters()).hasSize(2 * (UringMetrics.OPS.size() + 1) + UringMetrics.ERRNOS.size() + 1 + 10 + 2);
        }
    }

    private static double gauge(SimpleMeterRegistry registry, String name, String... tags) {
        return registry.find(UringMetrics.PREFIX + name).tags(tags).gauges().stream().mapToDouble(Gauge::value).sum();
    }

    @Test
    void aSharedFixedFileTablesSlotsAreGaugedUsedAndFree() throws Exception {
        Path file = Files.write(dir.resolve("fixed"), new byte[16]);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (Uring uring = Uring.create(2);
                FixedFileTable table = FixedFileTable.create(uring.group(), 8, 0).get(10, TimeUnit.SECONDS)) {
            UringMetrics.bindFileTable(registry, table, "files");
            assertThat(gauge(registry, "files.slots", "table", "files", "state", "used")).isZero();
            assertThat(gauge(registry, "files.slots", "table", "files", "state", "free")).isEqualTo(8);
            FixedFile f = table.open(uring.group().get(0), file, OpenFlags.O_RDONLY, 0).get(10, TimeUnit.SECONDS);
            assertThat(gauge(registry, "files.slots", "table", "files", "state", "used")).isEqualTo(1);
            assertThat(gauge(registry, "files.slots", "table", "files", "state", "free")).isEqualTo(7);
            f.release();
            f.cleared().get(10, TimeUnit.SECONDS);
            await(() -> gauge(registry, "files.slots", "table", "files", "state", "used") == 0);
            assertThat(gauge(registry, "files.slots", "table", "files", "state", "used")).isZero();
            assertThat(gauge(registry, "files.slots", "table", "files", "state", "free")).isEqualTo(8);
        }
    }

    /** Reads {@code f} twice (the second op that can name a slot installs it) and waits for its slot. */
    private static void installed(ReactiveFile f) throws InterruptedException {
        f.read(0, 1).block(Duration.ofSeconds(10));
        f.read(0, 1).block(Duration.ofSeconds(10));
        await(() -> f.fixedSlot() >= 0);
        assertThat(f.fixedSlot()).as("installed in a slot").isNotNegative();
    }

    /** The runtime's table's two gauges read {@code used} and {@code free} slots (NaN: no value). */
    private static void assertSlots(SimpleMeterRegistry registry, Uring uring, double used, double free) {
        assertThat((Double) gauge(registry, "files.slots", "table", uring.name(), "state", "used")).as("slots used")
                .isEqualTo((Double) used);
        assertThat((Double) gauge(registry, "files.slots", "table", uring.name(), "state", "free")).as("slots free")
                .isEqualTo((Double) free);
    }

    @Test
    void aRuntimesOwnFixedFileTableIsGaugedWithoutABindCall() throws Exception {
        Path file = Files.write(dir.resolve("own"), new byte[16]);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (Uring uring = Uring.create(2).fixedFiles(8).metrics(registry)) {
            assertThat(registry.find(UringMetrics.PREFIX + "files.slots").gauges()).hasSize(2);
            assertSlots(registry, uring, 0, 8);
            ReactiveFile f = ReactiveFile.open(uring, file).block(Duration.ofSeconds(10));
            installed(f);
            assertSlots(registry, uring, 1, 7);
            // the close clears the slot on every ring before it completes
            f.close().block(Duration.ofSeconds(10));
            assertSlots(registry, uring, 0, 8);
        }
    }

    @Test
    void aFixedFileTableSetUpAfterBindingIsGaugedAndNaNBeforeIt() throws Exception {
        Path file = Files.write(dir.resolve("later"), new byte[16]);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (Uring uring = Uring.create(1).metrics(registry)) {
            // no table: no value, rather than a table with no free slot
            assertSlots(registry, uring, Double.NaN, Double.NaN);
            uring.fixedFiles(4);
            assertSlots(registry, uring, 0, 4);
            ReactiveFile f = ReactiveFile.open(uring, file).block(Duration.ofSeconds(10));
            installed(f);
            assertSlots(registry, uring, 1, 3);
            f.close().block(Duration.ofSeconds(10));
            assertSlots(registry, uring, 0, 4);
            assertThat(registry.find(UringMetrics.PREFIX + "files.slots").gauges()).hasSize(2);
        }
    }

    @Test
    void aDryReceiveBufferRingIsCountedAsExhaustion() throws Exception {
        byte[] data = new byte[600_000];
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (Uring server = Uring.create(1); Uring client = Uring.create(1).metrics(registry)) {
            DisposableServer s = TcpServer.bind(server, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                    TcpOptions.defaults(), c -> c.send(Mono.just(ByteBuffer.wrap(data))).then(c.shutdownOutput())
                            .then(Mono.never()))
                    .block(Duration.ofSeconds(10));
            // four buffers in the client's ring, held four at a time and released later: the ring runs dry
            Connection c = TcpClient.connect(client, s.address(), TcpOptions.defaults().readBufferCount(4)
                    .readBufferSize(4096)).block(Duration.ofSeconds(10));
            List<ReceivedBuffer> kept = new ArrayList<>();
            long[] bytes = {0};
            c.receive().doOnNext(b -> {
                bytes[0] += b.buffer().remaining();
                kept.add(b);
                if (kept.size() == 4) {
                    List<ReceivedBuffer> batch = new ArrayList<>(kept);
                    kept.clear();
                    Schedulers.parallel().schedule(() -> batch.forEach(ReceivedBuffer::release), 2, TimeUnit.MILLISECONDS);
                }
            }).then().block(Duration.ofSeconds(30));
            kept.forEach(ReceivedBuffer::release);
            assertThat(bytes[0]).isEqualTo(data.length);
            assertThat(count(registry, "recv.buffers.exhausted")).isPositive();
            assertThat(count(registry, "ops.errors", "errno", "ENOBUFS"))
                    .isEqualTo(count(registry, "recv.buffers.exhausted"));
            c.dispose();
            s.dispose();
        }
    }
}
