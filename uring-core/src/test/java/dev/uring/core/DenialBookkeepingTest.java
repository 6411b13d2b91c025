package dev.uring.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uring.core.files.FixedFileTable;
import dev.uring.core.loop.EventLoop;
import dev.uring.core.loop.EventLoopGroup;
import java.nio.file.AccessDeniedException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicReference;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A submission filter's refusals are forgotten once their CQEs are dispatched, asked about or not:
 * multishot receive, accept and the file table never ask, and a record outliving its CQE would grow
 * without bound and be told to a later op reusing the user_data.
 */
class DenialBookkeepingTest {
    private static final int EACCES = 13;
    private static final Set<Opcode> REFUSED = Set.of(Opcode.RECV, Opcode.ACCEPT, Opcode.FILES_UPDATE, Opcode.MSG_RING);

    /** A customizer like a policy's: a file table registered while disabled, a filter refusing four ops. */
    private static RingCustomizer refusing() {
        return new RingCustomizer() {
            @Override
            public void beforeEnable(Ring ring) throws java.io.IOException {
                ring.registerFilesSparse(8);
            }

            @Override
            public SubmissionFilter submissionFilter() {
                return sqe -> REFUSED.contains(sqe.opcode()) ? sqe.opcode() + " denied by test" : null;
            }
        };
    }

    private static Ring open() throws java.io.IOException {
        return Ring.open(RingOptions.defaults().entries(64).setupHooks(false).customizer(refusing()));
    }

    @Test
    @Timeout(60)
    void refusedMultishotAndFileTableSqesLeaveNoDenialBehind() throws Exception {
        try (Arena arena = Arena.ofConfined(); Ring ring = open()) {
            int sock = TestRing.socket(ring);
            MemorySegment fds = arena.allocate(ValueLayout.JAVA_INT, 1);
            fds.set(ValueLayout.JAVA_INT, 0, sock);
            long ud = 1000;
            for (int round = 0; round < 50; round++) {
                for (int i = 0; i < 12; i++) {
                    ring.nextSqe().prepRecvMultishot(sock, 1, 0).userData(ud++);
                    ring.nextSqe().prepMultishotAccept(sock, 0).userData(ud++);
                    ring.nextSqe().prepFilesUpdate(fds, 1, 0).userData(ud++);
                    ring.nextSqe().prepMsgRingFd(ring.fd(), 0, 1, 7, 0).userData(ud++);
                }
                // reaped by a consumer that never asks why, as multishot and the file table do
                List<TestRing.Cqe> cqes = TestRing.await(ring, 48);
                assertThat(cqes).allSatisfy(c -> {
                    assertThat(c.res()).isEqualTo(-EACCES);
                    assertThat(CqeFlags.hasMore(c.flags())).isFalse();
                });
                assertThat(ring.rememberedDenials()).as("records after round " + round).isLessThanOrEqualTo(48);
            }
            assertThat(ring.reapCqes((u, r, f) -> { })).isZero();
            assertThat(ring.rememberedDenials()).isZero();
            TestRing.close(ring, sock);
        }
    }

    @Test
    @Timeout(30)
    void aReusedUserDataIsNotToldAnEarlierRefusal() throws Exception {
        try (Ring ring = open()) {
            ring.nextSqe().prepRecvMultishot(0, 1, 0).userData(7);
            assertThat(TestRing.one(ring).res()).isEqualTo(-EACCES);
            // the same user_data, now an op the filter allows: its result is its own, and no reason
            ring.nextSqe().prepNop().userData(7);
            assertThat(TestRing.one(ring).res()).isZero();
            assertThat(ring.denialReason(7)).isNull();
            assertThat(ring.accessDenied(Opcode.NOP, 7)).isNull();
            assertThat(ring.rememberedDenials()).isZero();
        }
    }

    @Test
    @Timeout(30)
    void aRefusalIsToldRightAfterItsReapOnceAndSharedUserDataIsCounted() throws Exception {
        try (Ring ring = open()) {
            ring.nextSqe().prepMultishotAccept(0, 0).userData(3);
            assertThat(ring.denialReason(3)).as("not published yet").isNull();
            ring.submit();
            assertThat(ring.denialReason(3)).as("published, CQE not reaped").isEqualTo("ACCEPT denied by test");
            assertThat(TestRing.one(ring).res()).isEqualTo(-EACCES);
            assertThat(ring.denialReason(3)).isEqualTo("ACCEPT denied by test");
            assertThat(ring.denialReason(3)).as("told once").isNull();

            // two refused SQEs sharing a user_data: both CQEs read -EACCES, then nothing is left
            ring.nextSqe().prepRecvMultishot(0, 1, 0).userData(0);
            ring.nextSqe().prepRecvMultishot(0, 1, 0).userData(0);
            assertThat(TestRing.await(ring, 2)).allSatisfy(c -> assertThat(c.res()).isEqualTo(-EACCES));
            ring.reapCqes((u, r, f) -> { });
            assertThat(ring.rememberedDenials()).isZero();
        }
    }

    @Test
    @Timeout(60)
    void anEventLoopDispatchingRefusedMultishotOpsKeepsNoRecord() throws Exception {
        RingOptions options = EventLoop.defaultOptions(64).setupHooks(false).customizer(refusing());
        try (EventLoop loop = EventLoop.start(options, EventLoopGroup.daemonThreads("denials"))) {
            int ops = 2000;
            CountDownLatch done = new CountDownLatch(ops);
            ConcurrentLinkedQueue<Integer> results = new ConcurrentLinkedQueue<>();
            for (int batch = 0; batch < ops / 100; batch++) {
                loop.execute(() -> {
                    for (int i = 0; i < 100; i++) {
                        long ud = loop.register((res, flags) -> {
                            results.add(res);
                            done.countDown();
                        });
                        if (i % 2 == 0) {
                            loop.nextSqe().prepRecvMultishot(0, 1, 0).userData(ud);
                        } else {
                            loop.nextSqe().prepMultishotAccept(0, 0).userData(ud);
                        }
                    }
                });
            }
            assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();
            assertThat(results).hasSize(ops).containsOnly(-EACCES);
            // a NOP handed over now is reaped by a later reap than every refused CQE
            CompletableFuture<Integer> remembered = new CompletableFuture<>();
            loop.execute(() -> loop.nextSqe().prepNop()
                    .userData(loop.register((res, flags) -> remembered.complete(loop.ring().rememberedDenials()))));
            assertThat(remembered.get(10, TimeUnit.SECONDS)).isZero();
        }
    }

    /** What every loop of {@code group} remembers, read on each loop inside a completion of a later reap. */
    private static int rememberedOnEveryLoop(EventLoopGroup group) throws Exception {
        int sum = 0;
        for (EventLoop loop : group) {
            CompletableFuture<Integer> remembered = new CompletableFuture<>();
            loop.execute(() -> loop.nextSqe().prepNop()
                    .userData(loop.register((res, flags) -> remembered.complete(loop.ring().rememberedDenials()))));
            sum += remembered.get(10, TimeUnit.SECONDS);
        }
        return sum;
    }

    @Test
    @Timeout(120)
    void aFileTableWhoseUpdatesAndSendsAreRefusedKeepsNoRecord() throws Exception {
        // the policy-like filter refuses one file-table op at a time: first FILES_UPDATE (the install on
        // the origin), then MSG_RING (the propagation to the other ring, which is then rolled back)
        AtomicReference<Opcode> refused = new AtomicReference<>(Opcode.FILES_UPDATE);
        RingCustomizer filter = new RingCustomizer() {
            @Override
            public void beforeEnable(Ring ring) {
            }

            @Override
            public SubmissionFilter submissionFilter() {
                return sqe -> sqe.opcode() == refused.get() ? sqe.opcode() + " denied by test" : null;
            }
        };
        RingOptions options = EventLoop.defaultOptions(64).setupHooks(false).customizer(filter);
        try (EventLoopGroup group = EventLoopGroup.create(2, options, EventLoopGroup.daemonThreads("table-denials"));
             FixedFileTable table = FixedFileTable.create(group, 16, 0).get(10, TimeUnit.SECONDS);
             Ring plain = TestRing.open(8)) {
            // a socket to register: the table's rings take their own references, the test closes this one
            int fd = TestRing.socket(plain);
            for (Opcode op : List.of(Opcode.FILES_UPDATE, Opcode.MSG_RING)) {
                refused.set(op);
                for (int i = 0; i < 300; i++) {
                    CompletableFuture<?> f = table.register(group.get(i % 2), fd);
                    try {
                        f.get(10, TimeUnit.SECONDS);
                        throw new AssertionError("register went through with " + op + " refused");
                    } catch (ExecutionException e) {
                        assertThat(e.getCause()).as(op.name()).isInstanceOf(AccessDeniedException.class);
                    }
                }
            }
            refused.set(null);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (table.slotsInUse() != 0 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(table.slotsInUse()).isZero();
            assertThat(rememberedOnEveryLoop(group)).isZero();
            TestRing.close(plain, fd);
        }
    }
}
