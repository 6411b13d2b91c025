package dev.uring.core.loop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.uring.core.RingOptions;
import dev.uring.core.Timespec;
import dev.uring.core.ffi.Errno;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The busy poll window of a loop ({@link RingOptions#busyPoll}): completions and handed-over tasks
 * that arrive while the loop polls are served, the loop still falls asleep after the window, and
 * out-of-range windows are refused.
 */
@Timeout(60)
class EventLoopBusyPollTest {
    private static EventLoop start(Duration window) throws Exception {
        return EventLoop.start(EventLoop.defaultOptions(8).setupHooks(false).busyPoll(window),
                Thread.ofPlatform().name("busy-poll-loop").factory());
    }

    @Test
    void aBareRingDoesNotPollAndALoopPollsFiftyMicrosecondsByDefault() {
        assertThat(RingOptions.defaults().busyPollNanos()).isZero();
        assertThat(EventLoop.defaultOptions(8).busyPollNanos()).isZero();
        assertThat(EventLoop.defaultOptions(8).busyPoll(EventLoop.LOW_LATENCY_BUSY_POLL).busyPollNanos()).isEqualTo(50_000);
    }

    @Test
    void aNegativeOrOverlongWindowIsRefusedWithItsValue() {
        assertThatThrownBy(() -> RingOptions.defaults().busyPoll(Duration.ofNanos(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("busy poll window")
                .hasMessageContaining("PT-0.000000001S");
        assertThatThrownBy(() -> RingOptions.defaults().busyPoll(Duration.ofMillis(2)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PT0.002S");
        assertThat(RingOptions.defaults().busyPoll(RingOptions.MAX_BUSY_POLL).busyPollNanos()).isEqualTo(1_000_000);
    }

    @Test
    void aTimeoutThatFiresWhileTheLoopPollsIsDelivered() throws Exception {
        // 1 ms of polling outlasts each 100 us timeout: its CQE comes from the task work the poll runs
        try (EventLoop loop = start(RingOptions.MAX_BUSY_POLL); Arena arena = Arena.ofShared()) {
            MemorySegment ts = Timespec.allocate(arena, Duration.ofNanos(100_000));
            for (int i = 0; i < 200; i++) {
                CompletableFuture<Integer> res = new CompletableFuture<>();
                loop.execute(() -> loop.nextSqe().prepTimeout(ts, 0, 0)
                        .userData(loop.register((r, f) -> res.complete(r))));
                assertThat(res.get(10, TimeUnit.SECONDS)).isEqualTo(-Errno.ETIME); // the timeout expired
            }
        }
    }

    @Test
    void tasksHandedOverWhilePollingOrAfterItFellAsleepAllRun() throws Exception {
        try (EventLoop loop = start(Duration.ofNanos(200_000))) {
            for (int i = 0; i < 2000; i++) {
                CompletableFuture<Integer> f = new CompletableFuture<>();
                int n = i;
                // no wake-up is sent while the loop polls (it is not sleeping): it must see the task itself
                loop.execute(() -> f.complete(n));
                assertThat(f.get(10, TimeUnit.SECONDS)).isEqualTo(i);
                if (i % 250 == 0) {
                    // past the window the loop sleeps, and the MSG_RING wake-up must reach it
                    LoopTesting.awaitSleeping(loop);
                }
            }
        }
    }

    @Test
    void closingAPollingLoopEndsIt() throws Exception {
        EventLoop loop = start(RingOptions.MAX_BUSY_POLL);
        CompletableFuture<Boolean> ran = new CompletableFuture<>();
        loop.execute(() -> ran.complete(true));
        assertThat(ran.get(10, TimeUnit.SECONDS)).isTrue();
        loop.close();
        assertThat(loop.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        assertThat(loop.isClosing()).isTrue();
    }
}
