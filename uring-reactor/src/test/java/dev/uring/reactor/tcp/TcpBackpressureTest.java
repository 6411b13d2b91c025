package dev.uring.reactor.tcp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uring.reactor.ReactorInvariants;
import dev.uring.reactor.TestRuntimes;
import dev.uring.reactor.Uring;
import dev.uring.reactor.net.Inbound;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.reactivestreams.Subscription;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/** Demand drives receiving: a slow consumer stays bounded, a dry buffer ring loses nothing, half-close. */
@Timeout(60)
class TcpBackpressureTest {
    @AutoClose
    static final Uring server = TestRuntimes.create(1);
    @AutoClose
    static final Uring client = TestRuntimes.create(1);

    /** A subscriber that requests one buffer at a time, each a millisecond after the last. */
    static final class SlowConsumer extends BaseSubscriber<ReceivedBuffer> {
        final Connection conn;
        final Tcp.Sum sum = new Tcp.Sum();
        final CompletableFuture<Tcp.Sum> done = new CompletableFuture<>();
        volatile int maxHeld;
        volatile long received;

        SlowConsumer(Connection conn) {
            this.conn = conn;
        }

        @Override
        protected void hookOnSubscribe(Subscription s) {
            request(1);
        }

        @Override
        protected void hookOnNext(ReceivedBuffer b) {
            maxHeld = Math.max(maxHeld, conn.buffersHeld());
            sum.add(b);
            received = sum.bytes;
            Schedulers.parallel().schedule(() -> request(1), 1, TimeUnit.MILLISECONDS);
        }

        @Override
        protected void hookOnComplete() {
            done.complete(sum);
        }

        @Override
        protected void hookOnError(Throwable t) {
            done.completeExceptionally(t);
        }
    }

    @Test
    void slowConsumerWithDemandOneHoldsAtMostOneBufferAndStallsTheSender() throws Exception {
        byte[] data = Tcp.payload(2 * 1024 * 1024, 42);
        // how much the reader had when the sender's Mono completed (-1: not yet)
        AtomicLong receivedWhenSent = new AtomicLong(-1);
        AtomicReference<SlowConsumer> reader = new AtomicReference<>();
        // small socket buffers, so that the kernel cannot absorb the payload: the sender must wait for the reader
        TcpOptions small = TcpOptions.defaults().sendBufferSize(32 * 1024).receiveBufferSize(32 * 1024);
        DisposableServer s = TcpServer.bind(server, Tcp.loopback(), small, c -> c
                .send(Flux.range(0, data.length / 65536).map(i -> ByteBuffer.wrap(data, i * 65536, 65536)))
                .doOnSuccess(v -> receivedWhenSent.set(reader.get() == null ? 0 : reader.get().received)))
                .block(Duration.ofSeconds(10));
        try {
            Connection c = TcpClient.connect(client, s.address(), small).block(Duration.ofSeconds(10));
            SlowConsumer slow = new SlowConsumer(c);
            reader.set(slow);
            c.receive().subscribe(slow);
            Tcp.Sum sum = slow.done.get(60, TimeUnit.SECONDS);
            assertThat(sum.bytes).isEqualTo(data.length);
            assertThat(sum.crc.getValue()).isEqualTo(Tcp.crc(data));
            assertThat(slow.maxHeld).as("buffers held by a consumer with demand 1").isEqualTo(1);
            assertThat(receivedWhenSent.get()).as("bytes the reader had when the sender finished (it must not finish "
                    + "while the reader still has a MiB to read)").isGreaterThanOrEqualTo(data.length - 1024 * 1024);
            c.dispose();
        } finally {
            s.dispose();
        }
    }

    @Test
    void dryBufferRingPausesReceivingWithoutLosingData() throws Exception {
        byte[] data = Tcp.payload(600_000, 9);
        DisposableServer s = TcpServer.bind(server, Tcp.loopback(), TcpOptions.defaults(), c -> c
                .send(Mono.just(ByteBuffer.wrap(data))).then(c.shutdownOutput()).then(Mono.never()))
                .block(Duration.ofSeconds(10));
        try {
            // four buffers in the client's ring; the consumer keeps four before releasing them, so the ring runs dry
            TcpOptions tiny = TcpOptions.defaults().readBufferCount(4).readBufferSize(4096);
            Connection c = TcpClient.connect(client, s.address(), tiny).block(Duration.ofSeconds(10));
            Tcp.Sum sum = new Tcp.Sum();
            List<ReceivedBuffer> kept = new ArrayList<>();
            AtomicInteger dry = new AtomicInteger();
            c.receive()
                    .doOnNext(b -> {
                        kept.add(b);
                        if (kept.size() == 4) {
                            dry.incrementAndGet();
                            List<ReceivedBuffer> batch = new ArrayList<>(kept);
                            kept.clear();
                            // released later, from another thread: only then can the kernel receive again
                            Schedulers.parallel().schedule(() -> {
                                synchronized (sum) {
                                    batch.forEach(sum::add);
                                }
                            }, 2, TimeUnit.MILLISECONDS);
                        }
                    })
                    .then(Mono.delay(Duration.ofMillis(50)))
                    .block(Duration.ofSeconds(30));
            synchronized (sum) {
                kept.forEach(sum::add);
                assertThat(sum.bytes).isEqualTo(data.length);
            }
            assertThat(dry.get()).as("times the ring ran dry").isGreaterThan(10);
            c.dispose();
        } finally {
            s.dispose();
        }
    }

    @Test
    void halfCloseLetsThePeerReadTheEndAndStillAnswer() {
        // the server reads until the client's end of stream, then answers and closes
        DisposableServer s = TcpServer.bind(server, Tcp.loopback(), TcpOptions.defaults(), c -> c.receive()
                .reduce(0L, (n, b) -> {
                    long len = b.length();
                    b.release();
                    return n + len;
                })
                .flatMap(n -> c.send(Mono.just(ByteBuffer.wrap(("got " + n).getBytes(StandardCharsets.US_ASCII))))))
                .block(Duration.ofSeconds(10));
        try {
            String answer = TcpClient.connect(client, s.address(), TcpOptions.defaults())
                    .flatMap(c -> c.send(Flux.just(ByteBuffer.wrap(new byte[1000]), ByteBuffer.wrap(new byte[234])))
                            .then(c.shutdownOutput())
                            .thenMany(c.receive())
                            .map(b -> {
                                String x = StandardCharsets.US_ASCII.decode(b.buffer()).toString();
                                b.release();
                                return x;
                            })
                            .reduce("", String::concat)
                            .doFinally(x -> c.dispose()))
                    .block(Duration.ofSeconds(10));
            assertThat(answer).isEqualTo("got 1234");
        } finally {
            s.dispose();
        }
    }

    /**
     * An echo to a peer that writes and never reads: the sends stall in the kernel, and the echo's
     * stream holds no more of the buffers it was given than it asked for ahead
     * ({@link Connection#sendReceived}: {@link Inbound#MULTISHOT_DEMAND}); cancelling it with a SEND
     * stalled in the kernel and buffers queued behind it gives every one of them back.
     */
    @Test
    void echoToAPeerThatNeverReadsStaysBoundedAndACancelGivesEveryBufferBack() throws Exception {
        ReactorInvariants.Baseline before = ReactorInvariants.baseline();
        TcpOptions small = TcpOptions.defaults().sendBufferSize(16 * 1024).receiveBufferSize(16 * 1024);
        List<ReceivedBuffer> given = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (java.net.ServerSocket listener = new java.net.ServerSocket()) {
            listener.setReceiveBufferSize(16 * 1024);
            listener.bind(Tcp.loopback());
            Connection conn = TcpClient.connect(client, listener.getLocalSocketAddress(), small)
                    .block(Duration.ofSeconds(10));
            java.net.Socket peer = listener.accept();
            Thread writer = Thread.ofPlatform().daemon().start(() -> {
                byte[] chunk = new byte[1024];
                try {
                    while (true) {
                        peer.getOutputStream().write(chunk); // blocks once the echo stalls
                    }
                } catch (java.io.IOException closed) {
                    // the test closed the peer
                }
            });
            // only a buffer given to the echo makes it hold more: each one counts what it holds then
            AtomicLong mostHeld = new AtomicLong();
            java.util.concurrent.CountDownLatch full = new java.util.concurrent.CountDownLatch(1);
            reactor.core.Disposable echo = conn.sendReceived(conn.receive().doOnNext(b -> {
                given.add(b);
                long held = given.stream().filter(g -> !g.isReleased()).count();
                mostHeld.accumulateAndGet(held, Math::max);
                if (held >= Inbound.MULTISHOT_DEMAND) {
                    full.countDown();
                }
            })).subscribe();
            try {
                // the peer never stops writing: once the SEND stalls, the echo's demand fills up to its
                // prefetch and no further
                full.await(10, TimeUnit.SECONDS);
                assertThat(mostHeld.get()).as("buffers the stalled echo holds")
                        .isLessThanOrEqualTo(Inbound.MULTISHOT_DEMAND);
                assertThat(given.stream().filter(b -> !b.isReleased()).count()).as("buffers held once the echo stalled")
                        .isPositive();
            } finally {
                echo.dispose();
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (given.stream().anyMatch(b -> !b.isReleased()) && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertThat(given).as("buffers given to the echo, after its cancel").allMatch(ReceivedBuffer::isReleased);
            conn.close().block(Duration.ofSeconds(10));
            peer.close();
            writer.join(10_000);
        }
        ReactorInvariants.assertBackTo(before);
    }
}
