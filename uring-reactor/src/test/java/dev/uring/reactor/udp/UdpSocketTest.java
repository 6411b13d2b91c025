package dev.uring.reactor.udp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.uring.reactor.ReactorInvariants;
import dev.uring.reactor.TestRuntimes;
import dev.uring.reactor.Uring;
import dev.uring.reactor.net.ZeroCopyCounts;
import dev.uring.reactor.op.Held;
import dev.uring.reactor.tcp.Tcp;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.PortUnreachableException;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.NotYetConnectedException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.reactivestreams.Subscription;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

/** UDP on loopback through UdpServer, UdpClient and UdpSocket: real sockets, real kernel. */
@Timeout(120)
class UdpSocketTest {
    @AutoClose
    static final Uring server = TestRuntimes.create(1);
    @AutoClose
    static final Uring client = TestRuntimes.create(1);

    private static final Duration WAIT = Duration.ofSeconds(10);

    static InetSocketAddress loopback() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    }

    static ByteBuffer text(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
    }

    static String text(Datagram d) {
        try {
            return StandardCharsets.UTF_8.decode(d.content()).toString();
        } finally {
            d.release();
        }
    }

    /** Datagram {@code seq}: the sequence number, then bytes derived from it (a mixed-up datagram fails the check). */
    static ByteBuffer numbered(int seq, int size) {
        ByteBuffer b = ByteBuffer.allocateDirect(size);
        b.putInt(seq);
        for (int i = 4; i < size; i++) {
            b.put((byte) (seq * 31 + i));
        }
        return b.flip();
    }

    static int check(Datagram d, int size) {
        ByteBuffer b = d.content();
        assertThat(d.length()).isEqualTo(size);
        assertThat(d.isTruncated()).isFalse();
        int seq = b.getInt();
        for (int i = 4; i < size; i++) {
            if (b.get() != (byte) (seq * 31 + i)) {
                throw new AssertionError("datagram " + seq + " corrupt at byte " + i);
            }
        }
        return seq;
    }

    /**
     * Sends {@code total} datagrams in windows of {@code window} ({@code sendFrom} sends the window
     * starting at its argument), never more than one window ahead of the {@code received} count:
     * UDP drops what the receiving socket cannot hold. Returns when all were received, or at {@link #WAIT}.
     */
    static void paced(int total, int window, java.util.function.IntSupplier received,
            java.util.function.IntFunction<Mono<Void>> sendFrom) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        for (int from = 0; from < total; from += window) {
            while (received.getAsInt() < from && System.nanoTime() < deadline) {
                Thread.sleep(1);
            }
            sendFrom.apply(from).block(WAIT);
        }
        while (received.getAsInt() < total && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
    }

    /**
     * Requests 64 at a time and pauses 2 ms before every 8th request (demand falls to zero and the
     * multishot RECVMSG is stopped and re-armed); records sequence numbers.
     */
    static final class PausingReceiver extends BaseSubscriber<Datagram> {
        final int size;
        final UdpSocket socket;
        final AtomicInteger received = new AtomicInteger();
        final CompletableFuture<Void> failed = new CompletableFuture<>();
        volatile int expected;
        volatile int maxHeld;
        int inBatch;
        int batches;

        PausingReceiver(UdpSocket socket, int size) {
            this.socket = socket;
            this.size = size;
        }

        @Override
        protected void hookOnSubscribe(Subscription s) {
            request(64);
        }

        @Override
        protected void hookOnNext(Datagram d) {
            try {
                int seq = check(d, size);
                if (seq != expected) {
                    failed.completeExceptionally(new AssertionError("expected datagram " + expected + ", got " + seq));
                }
                expected = seq + 1;
                maxHeld = Math.max(maxHeld, socket.buffersHeld());
            } catch (Throwable t) {
                failed.completeExceptionally(t);
            } finally {
                d.release();
            }
            received.incrementAndGet();
            if (++inBatch == 64) {
                inBatch = 0;
                if (++batches % 8 == 0) {
                    Schedulers.parallel().schedule(() -> request(64), 2, TimeUnit.MILLISECONDS);
                } else {
                    request(64);
                }
            }
        }

        @Override
        protected void hookOnError(Throwable t) {
            failed.completeExceptionally(t);
        }
    }

    @Test
    void demandThatReturnsWhileTheStopIsInFlightDoesNotFailTheReceive() throws Exception {
        // every 16th datagram takes demand to zero, so the engine cancels the multishot RECVMSG in
        // the kernel, and another thread asks for 16 more at once: datagrams that race the cancel
        // leave demand above zero, and the cancel's own -ECANCELED must still not read as a failure
        int wanted = 20_000;
        UdpSocket rx = UdpServer.bind(server, loopback(), UdpOptions.defaults()).block(WAIT);
        AtomicInteger received = new AtomicInteger();
        AtomicInteger owed = new AtomicInteger();
        CompletableFuture<Throwable> outcome = new CompletableFuture<>();
        BaseSubscriber<Datagram> receiver = new BaseSubscriber<>() {
            @Override
            protected void hookOnSubscribe(Subscription s) {
                request(16);
            }

            @Override
            protected void hookOnNext(Datagram d) {
                d.release();
                int n = received.incrementAndGet();
                if (n >= wanted) {
                    outcome.complete(null);
                } else if (n % 16 == 0) {
                    owed.incrementAndGet(); // asked for by the requester thread: nothing blocks the loop
                }
            }

            @Override
            protected void hookOnError(Throwable t) {
                outcome.complete(t);
            }
        };
        Thread requester = Thread.ofPlatform().daemon().start(() -> {
            while (!outcome.isDone()) {
                if (owed.get() > 0) {
                    owed.decrementAndGet();
                    receiver.request(16);
                } else {
                    Thread.onSpinWait();
                }
            }
        });
        Thread sender = Thread.ofPlatform().daemon().start(() -> {
            try (DatagramChannel ch = DatagramChannel.open()) {
                ch.connect(rx.localAddress());
                ByteBuffer b = ByteBuffer.allocate(32);
                while (!outcome.isDone()) {
                    ch.write(b.clear()); // UDP: what the socket cannot hold is dropped, which is fine here
                    Thread.onSpinWait();
                }
            } catch (IOException e) {
                outcome.complete(e);
            }
        });
        try {
            rx.receive().subscribe(receiver);
            assertThat(outcome.get(60, TimeUnit.SECONDS)).as("failure after %d datagrams", received.get()).isNull();
        } finally {
            outcome.complete(null);
            receiver.dispose();
            requester.join();
            sender.join();
            rx.close().block(WAIT);
        }
    }

    @Test
    void hundredThousandDatagramsArriveInOrderAndIntactAcrossDemandPauses() throws Exception {
        int total = ReactorInvariants.scale(100_000, 1_000_000);
        int size = 64;
        int window = 128;
        // up to 1.5 windows wait in the socket while the loop is slow to run the multishot's task
        // work (a loaded guest): at ~1 KiB of truesize each that is the whole default SO_RCVBUF, so
        // ask for more (the kernel caps it at rmem_max and doubles it) and the kernel drops none
        UdpOptions roomy = UdpOptions.defaults().receiveBufferSize(4 << 20);
        long droppedBefore = UdpCounters.receiveBufferErrors();
        UdpSocket rx = UdpServer.bind(server, loopback(), roomy).block(WAIT);
        UdpSocket tx = UdpClient.connect(client, rx.localAddress(), UdpOptions.defaults()).block(WAIT);
        PausingReceiver r = new PausingReceiver(rx, size);
        rx.receive().subscribe(r);
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            for (int from = 0; from < total; from += window) {
                int n = Math.min(window, total - from);
                int start = from;
                tx.send(Flux.range(start, n).map(i -> numbered(i, size))).block(WAIT);
                while (r.received.get() < start + n - window / 2 && !r.failed.isDone()) {
                    assertThat(System.nanoTime()).as(() -> "receiver stalled at %d of %d (UDP RcvbufErrors: %d)"
                            .formatted(r.received.get(), start + n, UdpCounters.receiveBufferErrors() - droppedBefore))
                            .isLessThan(deadline);
                    Thread.onSpinWait();
                }
                if (r.failed.isDone()) {
                    failWithDrops(r, droppedBefore);
                }
            }
            while (r.received.get() < total && !r.failed.isDone() && System.nanoTime() < deadline) {
                Thread.sleep(1);
            }
            if (r.failed.isDone()) {
                failWithDrops(r, droppedBefore);
            }
            assertThat(r.received.get()).as("datagrams received").isEqualTo(total);
            assertThat(r.expected).isEqualTo(total);
            assertThat(r.maxHeld).as("buffers held at once").isLessThanOrEqualTo(UdpOptions.DEFAULT_READ_BUFFER_COUNT);
        } finally {
            r.dispose();
            tx.close().block(WAIT);
            rx.close().block(WAIT);
        }
    }

    /** Rethrows the receiver's failure, saying how many datagrams the kernel dropped meanwhile. */
    private static void failWithDrops(PausingReceiver r, long droppedBefore) throws Exception {
        try {
            r.failed.get();
        } catch (java.util.concurrent.ExecutionException e) {
            throw new AssertionError(e.getCause().getMessage() + " (UDP RcvbufErrors meanwhile: "
                    + (UdpCounters.receiveBufferErrors() - droppedBefore) + ")", e.getCause());
        }
    }

    @Test
    void aDatagramLongerThanTheBufferArrivesTruncatedWithItsFullLength() {
        UdpSocket rx = UdpServer.bind(server, loopback(), UdpOptions.defaults().maxDatagramSize(64)).block(WAIT);
        UdpSocket tx = UdpClient.connect(client, rx.localAddress(), UdpOptions.defaults()).block(WAIT);
        try {
            byte[] big = Tcp.payload(100, 7);
            tx.send(Flux.just(ByteBuffer.wrap(big), text("short"))).block(WAIT);
            List<Datagram> got = rx.receive().take(2).collectList().block(WAIT);
            Datagram cut = got.get(0);
            assertThat(cut.isTruncated()).isTrue();
            assertThat(cut.length()).isEqualTo(64);
            assertThat(cut.originalLength()).isEqualTo(100);
            byte[] kept = new byte[64];
            cut.content().get(kept);
            assertThat(kept).isEqualTo(java.util.Arrays.copyOf(big, 64));
            cut.release();
            Datagram whole = got.get(1);
            assertThat(whole.isTruncated()).isFalse();
            assertThat(whole.originalLength()).isEqualTo(5);
            assertThat(text(whole)).isEqualTo("short");
        } finally {
            tx.close().block(WAIT);
            rx.close().block(WAIT);
        }
    }

    @Test
    void aDryBufferRingPausesReceivingUntilADatagramIsReleasedAndLosesNone() throws Exception {
        // a pool of its own (2 buffers): the subscriber holds both, the multishot RECVMSG ends with
        // ENOBUFS, the rest wait in the socket until a release re-arms it
        UdpOptions two = UdpOptions.defaults().readBufferCount(2).maxDatagramSize(100);
        UdpSocket rx = UdpServer.bind(server, loopback(), two).block(WAIT);
        UdpSocket tx = UdpClient.connect(client, rx.localAddress(), UdpOptions.defaults()).block(WAIT);
        List<Datagram> got = new java.util.concurrent.CopyOnWriteArrayList<>();
        List<Integer> seqs = new java.util.concurrent.CopyOnWriteArrayList<>();
        reactor.core.Disposable sub = rx.receive().subscribe(d -> {
            seqs.add(check(d, 32)); // read on arrival: a released buffer is the kernel's again
            got.add(d);
        });
        try {
            tx.send(Flux.range(0, 6).map(i -> numbered(i, 32))).block(WAIT);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (got.size() < 2 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            Thread.sleep(100);
            assertThat(got).as("datagrams lent while both buffers are held").hasSize(2);
            for (int released = 0; released < 6; released++) {
                got.get(released).release();
                int want = Math.min(6, released + 3);
                while (got.size() < want && System.nanoTime() < deadline) {
                    Thread.sleep(2);
                }
                assertThat(got.size()).as("after %d releases", released + 1).isEqualTo(want);
            }
            assertThat(seqs).containsExactly(0, 1, 2, 3, 4, 5);
        } finally {
            sub.dispose();
            tx.close().block(WAIT);
            rx.close().block(WAIT);
        }
    }

    @Test
    void ipv6EchoServerAnswersAnIpv6ClientFromTheReceivedBuffer() throws Exception {
        InetSocketAddress v6 = new InetSocketAddress(InetAddress.getByName("::1"), 0);
        UdpSocket echo = UdpServer.bind(server, v6, UdpOptions.defaults()).block(WAIT);
        echo.sendReceived(echo.receive()).subscribe();
        UdpSocket c = UdpClient.connect(client, echo.localAddress(), UdpOptions.defaults()).block(WAIT);
        try {
            assertThat(((InetSocketAddress) echo.localAddress()).getAddress()).isInstanceOf(Inet6Address.class);
            c.send(Mono.just(text("ping6"))).block(WAIT);
            Datagram d = c.receive().next().block(WAIT);
            assertThat(d.sender()).isEqualTo(echo.localAddress());
            assertThat(text(d)).isEqualTo("ping6");
        } finally {
            c.close().block(WAIT);
            echo.close().block(WAIT);
        }
    }

    /** Over IPv4 and IPv6 loopback; a heap buffer (copied into the loop's send memory) and a direct one. */
    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "::1"})
    void anUnconnectedSocketSendsToEachRecipientAndSeesEachSender(String host) throws Exception {
        InetSocketAddress any = new InetSocketAddress(InetAddress.getByName(host), 0);
        UdpSocket hub = UdpServer.bind(server, any, UdpOptions.defaults()).block(WAIT);
        UdpSocket a = UdpServer.bind(client, any, UdpOptions.defaults()).block(WAIT);
        UdpSocket b = UdpServer.bind(client, any, UdpOptions.defaults()).block(WAIT);
        try {
            assertThat(((InetSocketAddress) hub.localAddress()).getAddress()).isEqualTo(InetAddress.getByName(host));
            assertThat(hub.isConnected()).isFalse();
            hub.sendDatagrams(Flux.just(new OutboundDatagram(text("to-a"), a.localAddress()),
                    new OutboundDatagram(text("to-b"), b.localAddress()))).block(WAIT);
            Datagram da = a.receive().next().block(WAIT);
            Datagram db = b.receive().next().block(WAIT);
            assertThat(da.sender()).isEqualTo(hub.localAddress());
            assertThat(text(da)).isEqualTo("to-a");
            assertThat(text(db)).isEqualTo("to-b");
            a.sendTo(hub.localAddress(), Mono.just(text("from-a"))).block(WAIT);
            b.sendTo(hub.localAddress(), Mono.just(ByteBuffer.allocateDirect(6).put(text("from-b")).flip())).block(WAIT);
            List<Datagram> got = hub.receive().take(2).collectList().block(WAIT);
            assertThat(got).extracting(Datagram::sender).containsExactly(a.localAddress(), b.localAddress());
            assertThat(got).extracting(UdpSocketTest::text).containsExactly("from-a", "from-b");
        } finally {
            Mono.when(hub.close(), a.close(), b.close()).block(WAIT);
        }
    }

    /**
     * More peers than the receive side keeps decoded senders for ({@link RecentSenders#SLOTS}), each
     * heard from twice in a different order: every datagram names its own sender, also after entries
     * were taken over by other peers.
     */
    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "::1"})
    void eachOfManyPeersIsNamedAsTheSenderOfItsOwnDatagrams(String host) throws Exception {
        InetAddress address = InetAddress.getByName(host);
        UdpSocket hub = UdpServer.bind(server, new InetSocketAddress(address, 0), UdpOptions.defaults()).block(WAIT);
        int peers = RecentSenders.SLOTS * 3;
        List<DatagramChannel> channels = new ArrayList<>();
        try {
            for (int i = 0; i < peers; i++) {
                channels.add(DatagramChannel.open().bind(new InetSocketAddress(address, 0)));
            }
            for (int round = 0; round < 2; round++) {
                for (int i = 0; i < peers; i++) {
                    int peer = round == 0 ? i : peers - 1 - i;
                    channels.get(peer).send(ByteBuffer.allocate(4).putInt(0, peer), hub.localAddress());
                }
                List<Datagram> got = hub.receive().take(peers).collectList().block(WAIT);
                assertThat(got).hasSize(peers);
                for (Datagram d : got) {
                    try {
                        int peer = d.content().getInt();
                        assertThat(d.sender()).as("sender of peer %d's datagram", peer)
                                .isEqualTo(channels.get(peer).getLocalAddress());
                    } finally {
                        d.release();
                    }
                }
            }
        } finally {
            for (DatagramChannel c : channels) {
                c.close();
            }
            hub.close().block(WAIT);
        }
    }

    @Test
    void sendOnAnUnconnectedSocketFailsNotYetConnected() {
        UdpSocket s = UdpServer.bind(server, loopback(), UdpOptions.defaults()).block(WAIT);
        try {
            StepVerifier.create(s.send(Mono.just(text("x")))).expectError(NotYetConnectedException.class).verify(WAIT);
        } finally {
            s.close().block(WAIT);
        }
    }

    @Test
    void aConnectedSocketWhosePeerPortIsClosedFailsWithPortUnreachable() throws Exception {
        UdpSocket gone = UdpServer.bind(server, loopback(), UdpOptions.defaults()).block(WAIT);
        InetSocketAddress closedPort = (InetSocketAddress) gone.localAddress();
        gone.close().block(WAIT);
        UdpSocket c = UdpClient.connect(client, closedPort, UdpOptions.defaults()).block(WAIT);
        try {
            CompletableFuture<Throwable> failure = new CompletableFuture<>();
            c.receive().subscribe(Datagram::release, failure::complete);
            // the ICMP port-unreachable comes back asynchronously; keep sending until the socket reports it
            Throwable t = null;
            for (int i = 0; i < 50 && t == null; i++) {
                try {
                    c.send(Mono.just(text("anyone?"))).block(WAIT);
                } catch (RuntimeException e) {
                    t = reactor.core.Exceptions.unwrap(e);
                }
                if (failure.isDone()) {
                    t = failure.get();
                }
                Thread.sleep(10);
            }
            assertThat(t).isInstanceOf(PortUnreachableException.class);
        } finally {
            c.close().block(WAIT);
        }
    }

    @Test
    void multicastOnLoopbackJoinReceivesTheGroupAndLeaveStopsIt() throws Exception {
        NetworkInterface lo = NetworkInterface.getByInetAddress(InetAddress.getLoopbackAddress());
        assertThat(lo).as("a loopback interface").isNotNull();
        InetAddress group = InetAddress.getByName("239.255.42.98");
        UdpOptions opts = UdpOptions.defaults().reuseAddress(true).multicastInterface(lo).multicastLoop(true);
        UdpSocket member = UdpServer.bind(server, new InetSocketAddress("0.0.0.0", 0), opts).block(WAIT);
        UdpSocket sender = UdpServer.bind(client, new InetSocketAddress("0.0.0.0", 0), opts).block(WAIT);
        try {
            member.joinGroup(group, lo).block(WAIT);
            InetSocketAddress to = new InetSocketAddress(group, ((InetSocketAddress) member.localAddress()).getPort());
            try {
                sender.sendTo(to, Mono.just(text("hello group"))).block(WAIT);
            } catch (RuntimeException e) {
                // JUnit's assumption (AssertJ's throws TestNG's SkipException here, which JUnit reports as an error)
                assumeTrue(false, "IPv4 multicast out of lo: the kernel refuses the send (" + e + ")");
            }
            Datagram d = member.receive().next().timeout(Duration.ofSeconds(2), Mono.empty()).block(WAIT);
            assumeTrue(d != null, "IPv4 multicast out of lo: the send passed but lo did not loop the datagram back");
            assertThat(text(d)).isEqualTo("hello group");
            member.leaveGroup(group, lo).block(WAIT);
            sender.sendTo(to, Mono.just(text("after leave"))).block(WAIT);
            Datagram late = member.receive().next().timeout(Duration.ofMillis(300), Mono.empty()).block(WAIT);
            assertThat(late).as("a datagram after leaving the group").isNull();
            assertThatThrownBy(() -> member.leaveGroup(group, lo).block(WAIT)).hasCauseInstanceOf(IOException.class);
        } finally {
            Mono.when(member.close(), sender.close()).block(WAIT);
        }
    }

    @Test
    void closeWithAMultishotRecvmsgArmedCompletesTheInboundAndLetsGoOfEverything() throws Exception {
        ReactorInvariants.Baseline before = ReactorInvariants.baseline();
        UdpSocket rx = UdpServer.bind(server, loopback(), UdpOptions.defaults()).block(WAIT);
        CompletableFuture<Void> completed = new CompletableFuture<>();
        rx.receive().subscribe(Datagram::release, completed::completeExceptionally, () -> completed.complete(null));
        Held.awaitCount(before.kernelHeld() + 1); // the armed RECVMSG
        rx.close().block(WAIT);
        completed.get(10, TimeUnit.SECONDS);
        ReactorInvariants.assertBackTo(before);
    }

    @Test
    void cancelWhileArmedStopsReceivingAndANewSubscriberGetsTheNextDatagrams() throws Exception {
        ReactorInvariants.Baseline before = ReactorInvariants.baseline();
        UdpSocket rx = UdpServer.bind(server, loopback(), UdpOptions.defaults()).block(WAIT);
        UdpSocket tx = UdpClient.connect(client, rx.localAddress(), UdpOptions.defaults()).block(WAIT);
        try {
            reactor.core.Disposable sub = rx.receive().subscribe(Datagram::release);
            Held.awaitCount(before.kernelHeld() + 1);
            sub.dispose();
            Held.awaitCount(before.kernelHeld()); // the kernel gave the RECVMSG back (final CQE)
            tx.send(Flux.just(text("one"), text("two"))).block(WAIT);
            List<String> next = rx.receive().take(2).map(UdpSocketTest::text).collectList().block(WAIT);
            assertThat(next).containsExactly("one", "two");
        } finally {
            tx.close().block(WAIT);
            rx.close().block(WAIT);
        }
        ReactorInvariants.assertBackTo(before);
    }

    @Test
    void closeWithSendsInFlightFailsThemAndClosesTheSocket() throws Exception {
        ReactorInvariants.Baseline before = ReactorInvariants.baseline();
        UdpSocket rx = UdpServer.bind(server, loopback(), UdpOptions.defaults()).block(WAIT);
        UdpSocket tx = UdpClient.connect(client, rx.localAddress(), UdpOptions.defaults()).block(WAIT);
        CompletableFuture<Throwable> sent = new CompletableFuture<>();
        java.util.concurrent.CountDownLatch sending = new java.util.concurrent.CountDownLatch(1);
        tx.send(Flux.range(0, 1_000_000).map(i -> numbered(i, 64)).doOnNext(d -> sending.countDown()))
                .subscribe(v -> { }, sent::complete, () -> sent.complete(null));
        assertThat(sending.await(10, TimeUnit.SECONDS)).as("the sends have started").isTrue();
        tx.close().block(WAIT);
        Throwable t = sent.get(10, TimeUnit.SECONDS);
        assertThat(t).as("the send of a closed socket").isInstanceOf(java.nio.channels.ClosedChannelException.class);
        rx.close().block(WAIT);
        ReactorInvariants.assertBackTo(before);
    }

    @Test
    void zeroCopyDatagramsArriveIntactAndEachSendEndsAfterItsNotification() {
        UdpSocket rx = UdpServer.bind(server, loopback(), UdpOptions.defaults().maxDatagramSize(16 * 1024)).block(WAIT);
        UdpSocket tx = UdpClient.connect(client, rx.localAddress(), UdpOptions.defaults().zeroCopyThreshold(1024))
                .block(WAIT);
        try {
            long sends0 = ZeroCopyCounts.SENDS.sum();
            long notes0 = ZeroCopyCounts.NOTIFICATIONS.sum();
            List<Long> lag = new ArrayList<>();
            Mono<List<Datagram>> got = rx.receive().take(8).collectList().cache();
            got.subscribe();
            Flux.range(0, 8).concatMap(i -> tx.send(Mono.just(numbered(i, 8192)))
                    .doOnSuccess(v -> lag.add((ZeroCopyCounts.SENDS.sum() - sends0) - (ZeroCopyCounts.NOTIFICATIONS.sum() - notes0))))
                    .blockLast(WAIT);
            assertThat(ZeroCopyCounts.SENDS.sum() - sends0).as("zero-copy sends").isEqualTo(8);
            assertThat(lag).as("zero-copy sends not yet notified when each send completed").containsOnly(0L);
            List<Datagram> ds = got.block(WAIT);
            for (int i = 0; i < 8; i++) {
                assertThat(check(ds.get(i), 8192)).isEqualTo(i);
                ds.get(i).release();
            }
        } finally {
            tx.close().block(WAIT);
            rx.close().block(WAIT);
        }
    }
}
