package dev.uring.reactor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uring.reactor.file.ReactiveFile;
import dev.uring.reactor.op.Held;
import dev.uring.reactor.op.KernelHeld;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Stress through the reactive API, on real files and the real kernel: a storm of Monos (timers that
 * fire, timers and reads cancelled by a racing timer or at once, reads cut short by a LINK_TIMEOUT,
 * reads whose bytes are checked), and runtimes closed with thousands of ops in flight while other
 * threads keep subscribing. Afterwards every subscriber has terminated exactly once, no read
 * returned wrong bytes, no pending-op slot or kernel-held buffer is left, and the fds are back.
 */
@Timeout(value = 20, unit = TimeUnit.MINUTES)
class ReactorStormTest {
    private static final int FILE_SIZE = 1 << 20;

    @TempDir
    Path dir;

    private static byte expectedByte(long position) {
        return (byte) (position * 31 + 7);
    }

    private Path dataFile() throws Exception {
        byte[] data = new byte[FILE_SIZE];
        for (int i = 0; i < data.length; i++) {
            data[i] = expectedByte(i);
        }
        return Files.write(dir.resolve("data"), data);
    }

    private enum Kind { TIMER_FIRES, TIMER_RACED, TIMER_DISPOSED, READ_CHECKED, READ_RACED, READ_DISPOSED, READ_TIMED_OUT }

    @Test
    void monoStormTerminatesEverySubscriberOnceAndLeaksNothing() throws Exception {
        int ops = ReactorInvariants.scale(100_000, 1_000_000);
        ReactorInvariants.Baseline before = ReactorInvariants.baseline();
        Path file = dataFile();
        AtomicIntegerArray terminations = new AtomicIntegerArray(ops);
        AtomicLong badBytes = new AtomicLong();
        AtomicLong bytesChecked = new AtomicLong();
        AtomicLong cancels = new AtomicLong();
        AtomicLong timeouts = new AtomicLong();
        AtomicLong unexpectedErrors = new AtomicLong();
        CountDownLatch done = new CountDownLatch(ops);
        try (Uring uring = Uring.create(2)) {
            ReactiveFile rf = ReactiveFile.open(uring, file).block(Duration.ofSeconds(10));
            // a FIFO nobody writes (opened read-write, so the open does not wait): its reads wait
            // until their LINK_TIMEOUT fires
            Path fifoPath = dir.resolve("fifo");
            Process mk = new ProcessBuilder("mkfifo", fifoPath.toString()).start();
            assertThat(mk.waitFor(10, TimeUnit.SECONDS) && mk.exitValue() == 0).as("mkfifo").isTrue();
            ReactiveFile fifo = ReactiveFile.open(uring, fifoPath, java.nio.file.StandardOpenOption.READ,
                    java.nio.file.StandardOpenOption.WRITE).block(Duration.ofSeconds(10));
            ReactiveFile[] hurried = new ReactiveFile[8];
            for (int h = 0; h < hurried.length; h++) {
                hurried[h] = fifo.withTimeout(Duration.ofNanos(50_000L * (h + 1)));
            }
            SplittableRandom rnd = new SplittableRandom(0x5707);
            Kind[] kinds = Kind.values();
            for (int i = 0; i < ops; i++) {
                int id = i;
                Kind kind = kinds[rnd.nextInt(kinds.length)];
                long pos = rnd.nextInt(FILE_SIZE - 4096);
                int len = 1 + rnd.nextInt(4096);
                Duration race = Duration.ofNanos(rnd.nextInt(200_000));
                Mono<?> op = switch (kind) {
                    case TIMER_FIRES -> uring.timer(Duration.ofNanos(rnd.nextInt(1_000_000)));
                    case TIMER_RACED -> uring.timer(Duration.ofNanos(rnd.nextInt(200_000))).takeUntilOther(uring.timer(race));
                    case TIMER_DISPOSED -> uring.timer(Duration.ofHours(1));
                    case READ_CHECKED, READ_DISPOSED -> rf.read(pos, len).doOnNext(b -> check(b, pos, len, badBytes, bytesChecked));
                    case READ_RACED -> rf.read(pos, len).doOnNext(b -> check(b, pos, len, badBytes, bytesChecked))
                            .takeUntilOther(uring.timer(race));
                    case READ_TIMED_OUT -> hurried[rnd.nextInt(hurried.length)].read(0, len)
                            .doOnNext(b -> badBytes.addAndGet(b.remaining())); // nobody writes: nothing may arrive
                };
                Disposable d = op.doFinally(signal -> {
                    terminations.incrementAndGet(id);
                    switch (signal) {
                        case CANCEL -> cancels.incrementAndGet();
                        default -> { }
                    }
                    done.countDown();
                }).subscribe(v -> { }, e -> {
                    if (e instanceof TimeoutException) {
                        timeouts.incrementAndGet();
                    } else {
                        unexpectedErrors.incrementAndGet();
                    }
                });
                if (kind == Kind.TIMER_DISPOSED || kind == Kind.READ_DISPOSED) {
                    d.dispose();
                }
                if (i % 2048 == 2047) {
                    // keep at most a few thousand in flight: wait for the older half to finish
                    while (done.getCount() > ops - i + 4096) {
                        Thread.onSpinWait();
                    }
                }
            }
            boolean all = done.await(ReactorInvariants.scale(120, 1800), TimeUnit.SECONDS);
            int never = 0;
            int twice = 0;
            for (int i = 0; i < ops; i++) {
                never += terminations.get(i) == 0 ? 1 : 0;
                twice += terminations.get(i) > 1 ? 1 : 0;
            }
            assertThat(all).as("%d subscribers never terminated", never).isTrue();
            rf.close().block(Duration.ofSeconds(10));
            fifo.close().block(Duration.ofSeconds(10));
            Held.awaitCount(before.kernelHeld());
            ReactorInvariants.assertNoPendingOps(uring);
            ReactorInvariants.report("reactor-mono-storm", "ops", ops, "cancels", cancels.get(), "timeouts",
                    timeouts.get(), "bytes_checked", bytesChecked.get(), "bad_bytes", badBytes.get(),
                    "never_terminated", never, "terminated_twice", twice, "unexpected_errors", unexpectedErrors.get(),
                    "kernel_held_left", KernelHeld.count() - before.kernelHeld());
            assertThat(twice).as("subscribers terminated twice").isZero();
            assertThat(badBytes.get()).as("bytes that differ from the file").isZero();
            assertThat(unexpectedErrors.get()).as("errors other than timeouts").isZero();
            assertThat(timeouts.get()).as("FIFO reads cut short by their timeout").isPositive();
        }
        ReactorInvariants.assertBackTo(before);
    }

    /**
     * A file whose runtime was closed before it: closing the file must still close its fd (or the
     * runtime's close must have), as nothing else can.
     */
    @Test
    void aFileOutlivingItsRuntimeStillGivesItsFdBack() throws Exception {
        ReactorInvariants.Baseline before = ReactorInvariants.baseline();
        Path file = dataFile();
        Uring uring = Uring.create(1);
        ReactiveFile rf = ReactiveFile.open(uring, file).block(Duration.ofSeconds(10));
        uring.close();
        Throwable closeFailure = null;
        try {
            rf.close().block(Duration.ofSeconds(10));
        } catch (RuntimeException e) {
            closeFailure = e;
        }
        assertThat(ReactorInvariants.fdTargets()).as("fds after the file's runtime and then the file were closed "
                + "(file close failed with %s)", String.valueOf(closeFailure)).doesNotContain(file.toString());
        ReactorInvariants.assertBackTo(before);
    }

    private static void check(ByteBuffer b, long pos, int len, AtomicLong bad, AtomicLong checked) {
        int n = b.remaining();
        if (n != len) {
            bad.addAndGet(Math.abs(len - n));
        }
        for (int i = 0; i < n; i++) {
            if (b.get(b.position() + i) != expectedByte(pos + i)) {
                bad.incrementAndGet();
            }
        }
        checked.addAndGet(n);
    }

    /**
     * Runtimes closed while thousands of timers and reads are in flight and two other threads keep
     * subscribing: every subscriber terminates (completes, or fails saying the runtime is closed or
     * the op was cancelled), none hangs, and nothing is left held.
     */
    @Test
    void closingARuntimeWithOpsInFlightTerminatesEverySubscriber() throws Exception {
        int rounds = ReactorInvariants.scale(5, 200);
        int inFlight = 5_000;
        ReactorInvariants.Baseline before = ReactorInvariants.baseline();
        java.util.List<String> beforeTargets = ReactorInvariants.fdTargets();
        Path file = dataFile();
        long subscribed = 0;
        int fileCloseFailures = 0;
        AtomicLong errors = new AtomicLong();
        AtomicLong completions = new AtomicLong();
        for (int round = 0; round < rounds; round++) {
            Uring uring = Uring.create(2);
            ReactiveFile rf = ReactiveFile.open(uring, file).block(Duration.ofSeconds(10));
            AtomicInteger started = new AtomicInteger();
            AtomicInteger terminated = new AtomicInteger();
            for (int i = 0; i < inFlight; i++) {
                Mono<?> op = i % 3 == 0 ? rf.read((i * 4096L) % FILE_SIZE, 4096) : uring.timer(Duration.ofHours(1));
                started.incrementAndGet();
                op.doFinally(s -> terminated.incrementAndGet())
                        .subscribe(v -> completions.incrementAndGet(), e -> errors.incrementAndGet());
            }
            // two threads keep subscribing while the runtime closes
            CountDownLatch racersDone = new CountDownLatch(2);
            for (int t = 0; t < 2; t++) {
                Thread.ofPlatform().start(() -> {
                    try {
                        for (int i = 0; i < 2000; i++) {
                            started.incrementAndGet();
                            try {
                                uring.timer(Duration.ofHours(1)).doFinally(s -> terminated.incrementAndGet())
                                        .subscribe(v -> completions.incrementAndGet(), e -> errors.incrementAndGet());
                            } catch (RuntimeException e) {
                                // refused at subscription: the subscriber was never created
                                terminated.incrementAndGet();
                                errors.incrementAndGet();
                            }
                        }
                    } finally {
                        racersDone.countDown();
                    }
                });
            }
            uring.close();
            assertThat(racersDone.await(60, TimeUnit.SECONDS)).isTrue();
            // the file outlived its runtime: closing it must still give its fd back
            Throwable closeFailure = null;
            try {
                rf.close().block(Duration.ofSeconds(10));
            } catch (RuntimeException e) {
                closeFailure = e;
            }
            fileCloseFailures += closeFailure == null ? 0 : 1;
            Flux.interval(Duration.ofMillis(5)).takeUntil(x -> terminated.get() == started.get())
                    .blockLast(Duration.ofSeconds(60));
            assertThat(terminated.get()).as("subscribers terminated after close").isEqualTo(started.get());
            subscribed += started.get();
        }
        // the only fds left may be the data file's: a file outliving its runtime keeps its fd (see
        // aFileOutlivingItsRuntimeStillGivesItsFdBack); anything else (a ring, a socket) is a leak
        Held.awaitCount(before.kernelHeld());
        java.util.List<String> left = new java.util.ArrayList<>(ReactorInvariants.fdTargets());
        beforeTargets.forEach(left::remove);
        left.remove("?");
        long fileFdsLeft = left.stream().filter(t -> t.equals(file.toString())).count();
        assertThat(left).as("fds left after the runtimes closed").allMatch(t -> t.equals(file.toString()));
        ReactorInvariants.report("reactor-close-in-flight", "rounds", rounds, "subscribers", subscribed,
                "completed", completions.get(), "failed", errors.get(), "hanging", 0, "kernel_held_left", 0,
                "file_close_after_runtime_close_failed", fileCloseFailures, "file_fds_left", fileFdsLeft,
                "other_fds_left", 0);
    }
}
