package dev.uring.reactor.udp;

import static dev.uring.reactor.udp.UdpSocketTest.check;
import static dev.uring.reactor.udp.UdpSocketTest.loopback;
import static org.assertj.core.api.Assertions.assertThat;

import dev.uring.reactor.ReactorInvariants;
import dev.uring.reactor.TestRuntimes;
import dev.uring.reactor.Uring;
import dev.uring.reactor.net.SendBuffers;
import dev.uring.reactor.net.ZeroCopyCounts;
import dev.uring.reactor.op.Held;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Where a datagram's send memory comes from and when it goes back: the loop's {@link SendBuffers},
 * reused from send to send, held by each send until its final CQE (the zero-copy notification
 * included), also when the send is cancelled or its socket closes under it.
 */
@Timeout(120)
class UdpSendMemoryTest {
    @AutoClose
    static final Uring server = TestRuntimes.create(1);
    @AutoClose
    static final Uring client = TestRuntimes.create(1);

    private static final Duration WAIT = Duration.ofSeconds(10);

    /**
     * Registers each runtime's loop buffer ring for the default options now, so that the tests'
     * baselines count it (it lives as long as the runtime, not the socket).
     */
    @BeforeAll
    static void warmUp() {
        for (Uring u : List.of(server, client)) {
            UdpServer.bind(u, loopback(), UdpOptions.defaults()).block(WAIT).close().block(WAIT);
        }
    }

    /** A heap copy of {@link UdpSocketTest#numbered}: it goes out through a slot's bounce buffer. */
    static ByteBuffer heapNumbered(int seq, int size) {
        ByteBuffer d = UdpSocketTest.numbered(seq, size);
        ByteBuffer h = ByteBuffer.allocate(size);
        h.put(d).flip();
        return h;
    }

    @Test
    void addressedSendsOfHeapDatagramsReuseTheLoopsSlotsAndArriveInOrderIntact() throws Exception {
        ReactorInvariants.Baseline before = ReactorInvariants.baseline();
        UdpSocket rx = UdpServer.bind(server, loopback(), UdpOptions.defaults()).block(WAIT);
        UdpSocket tx = UdpServer.bind(client, loopback(), UdpOptions.defaults()).block(WAIT);
        try {
            int total = 3000;
            SendBuffers pool = tx.sendBuffers();
            long made = pool.made();
            List<Integer> seqs = new CopyOnWriteArrayList<>();
            Disposable sub = rx.receive().subscribe(d -> {
                try {
                    seqs.add(check(d, 200));
                } finally {
                    d.release();
                }
            });
            try {
                UdpSocketTest.paced(total, 100, seqs::size,
                        from -> tx.sendTo(rx.localAddress(), Flux.range(from, 100).map(i -> heapNumbered(i, 200))));
            } finally {
                sub.dispose();
            }
            assertThat(seqs).hasSize(total);
            for (int i = 0; i < total; i++) {
                assertThat(seqs.get(i)).as("datagram at %d", i).isEqualTo(i);
            }
            assertThat(pool.lent()).as("slots still lent after every send completed").isZero();
            // one send at a time: one slot serves them all (not an arena per datagram)
            assertThat(pool.made() - made).as("slots made for %d sends", total).isLessThanOrEqualTo(1);
        } finally {
            tx.close().block(WAIT);
            rx.close().block(WAIT);
        }
        ReactorInvariants.assertBackTo(before);
    }

    @Test
    void zeroCopyHeapDatagramsKeepTheirSlotUntilTheNotification() throws Exception {
        // a receive buffer for all of them: UDP drops what does not fit
        UdpSocket rx = UdpServer.bind(server, loopback(),
                UdpOptions.defaults().maxDatagramSize(8192).receiveBufferSize(1 << 20)).block(WAIT);
        UdpSocket tx = UdpServer.bind(client, loopback(), UdpOptions.defaults().zeroCopyThreshold(1024)).block(WAIT);
        try {
            int streams = 4;
            int each = 8;
            SendBuffers pool = tx.sendBuffers();
            long sends0 = ZeroCopyCounts.SENDS.sum();
            long notes0 = ZeroCopyCounts.NOTIFICATIONS.sum();
            List<String> broken = new CopyOnWriteArrayList<>();
            Mono<List<Integer>> got = rx.receive().take((long) streams * each).map(d -> {
                try {
                    return check(d, 4096);
                } finally {
                    d.release();
                }
            }).collectList().cache();
            got.subscribe();
            // several sends in flight at once; each completion (on the loop, after that send let go of
            // its slot) checks that every zero-copy send still waiting for its notification holds a slot
            Flux.range(0, streams)
                    .flatMap(s -> tx.sendTo(rx.localAddress(), Flux.range(0, each).map(i -> heapNumbered(s * each + i, 4096)))
                            .doOnSuccess(v -> {
                                long unnotified = (ZeroCopyCounts.SENDS.sum() - sends0)
                                        - (ZeroCopyCounts.NOTIFICATIONS.sum() - notes0);
                                if (pool.lent() < unnotified) {
                                    broken.add(pool.lent() + " slots lent, " + unnotified + " zero-copy sends not notified");
                                }
                            }), streams)
                    .blockLast(WAIT);
            assertThat(ZeroCopyCounts.SENDS.sum() - sends0).as("zero-copy sends").isEqualTo((long) streams * each);
            assertThat(ZeroCopyCounts.NOTIFICATIONS.sum() - notes0).as("notifications").isEqualTo((long) streams * each);
            assertThat(broken).isEmpty();
            assertThat(pool.lent()).isZero();
            assertThat(got.block(WAIT)).hasSize(streams * each).doesNotHaveDuplicates();
        } finally {
            tx.close().block(WAIT);
            rx.close().block(WAIT);
        }
    }

    @Test
    void cancelledSendsInFlightGiveTheirSlotsBackOnlyAfterTheKernelLetGo() throws Exception {
        ReactorInvariants.Baseline before = ReactorInvariants.baseline();
        UdpSocket rx = UdpServer.bind(server, loopback(), UdpOptions.defaults()).block(WAIT);
        UdpSocket tx = UdpServer.bind(client, loopback(), UdpOptions.defaults().zeroCopyThreshold(1024)).block(WAIT);
        try {
            SendBuffers pool = tx.sendBuffers();
            CountDownLatch sending = new CountDownLatch(200);
            // many concurrent streams of addressed heap datagrams, plain and zero-copy, then a cancel mid-flight
            Disposable sends = Flux.range(0, 16)
                    .flatMap(s -> tx.sendTo(rx.localAddress(),
                            Flux.range(0, 1_000_000).map(i -> heapNumbered(i, s % 2 == 0 ? 64 : 4096))
                                    .doOnNext(b -> sending.countDown())), 16)
                    .subscribe(v -> { }, e -> { });
            assertThat(sending.await(10, TimeUnit.SECONDS)).as("the sends have started").isTrue();
            sends.dispose();
            Held.awaitCount(before.kernelHeld()); // every send's final CQE (a notification included) has come
            assertThat(onLoop(tx, pool::lent)).as("slots lent once no send is in the kernel").isZero();
        } finally {
            tx.close().block(WAIT);
            rx.close().block(WAIT);
        }
        ReactorInvariants.assertBackTo(before);
    }

    @Test
    void closingASocketWithZeroCopySendsInFlightFailsThemAndLeavesNoSlotLent() throws Exception {
        ReactorInvariants.Baseline before = ReactorInvariants.baseline();
        UdpSocket rx = UdpServer.bind(server, loopback(), UdpOptions.defaults()).block(WAIT);
        UdpSocket tx = UdpServer.bind(client, loopback(), UdpOptions.defaults().zeroCopyThreshold(1024)).block(WAIT);
        SendBuffers pool = tx.sendBuffers();
        CompletableFuture<Throwable> failed = new CompletableFuture<>();
        CountDownLatch sending = new CountDownLatch(100);
        Flux.range(0, 8)
                .flatMap(s -> tx.sendTo(rx.localAddress(),
                        Flux.range(0, 1_000_000).map(i -> heapNumbered(i, 4096)).doOnNext(b -> sending.countDown())), 8)
                .subscribe(v -> { }, failed::complete, () -> failed.complete(null));
        assertThat(sending.await(10, TimeUnit.SECONDS)).as("the sends have started").isTrue();
        tx.close().block(WAIT);
        assertThat(failed.get(10, TimeUnit.SECONDS)).isInstanceOf(ClosedChannelException.class);
        Held.awaitCount(before.kernelHeld());
        assertThat(onLoop(tx, pool::lent)).isZero();
        rx.close().block(WAIT);
        ReactorInvariants.assertBackTo(before);
    }

    /** Reads {@code value} on the socket's loop (its runtime has one), where the pool is kept. */
    private static <T> T onLoop(UdpSocket s, java.util.concurrent.Callable<T> value) throws Exception {
        CompletableFuture<T> f = new CompletableFuture<>();
        s.uring().loop().execute(() -> {
            try {
                f.complete(value.call());
            } catch (Exception e) {
                f.completeExceptionally(e);
            }
        });
        return f.get(10, TimeUnit.SECONDS);
    }
}
