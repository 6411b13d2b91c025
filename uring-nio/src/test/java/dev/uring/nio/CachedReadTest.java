package dev.uring.nio;

import static java.nio.file.StandardOpenOption.READ;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.uring.core.AtFlags;
import dev.uring.core.FileCalls;
import dev.uring.core.Ring;
import dev.uring.core.RingOptions;
import dev.uring.core.Sqe;
import dev.uring.policy.PolicyProfiles;
import dev.uring.policy.PolicyScope;
import dev.uring.policy.RingPolicy;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousFileChannel;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.CompletionHandler;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A read into a direct buffer takes what the page cache holds on the calling thread (preadv2
 * RWF_NOWAIT) and leaves the rest to the ring. Which path a read took shows in where its handler was
 * handed to the executor: the caller's thread, or a loop's. Each test that needs a page cache the
 * kernel can read without waiting, or pages it can drop, asks the kernel first and is skipped with
 * the reason where the file system cannot (tmpfs keeps every page; some file systems have no
 * RWF_NOWAIT reads).
 */
@Timeout(60)
class CachedReadTest {
    private static final int POSIX_FADV_RANDOM = 1;
    private static final int POSIX_FADV_DONTNEED = 4;
    private static final int SIZE = 1024 * 1024;

    @TempDir
    Path dir;
    private Path file;
    private byte[] content;

    @BeforeEach
    void write() throws IOException {
        content = new byte[SIZE];
        new Random(23).nextBytes(content);
        file = dir.resolve("data");
        Files.write(file, content);
    }

    /**
     * An executor that notes the thread each handler is handed over on, and runs it on a thread of its
     * own (or with {@code Runnable::run}, inline on the thread that hands it over).
     */
    static final class Recording extends AbstractExecutorService {
        final List<Thread> handedOverOn = new CopyOnWriteArrayList<>();
        private final Executor runner;
        private volatile boolean shut;

        Recording() {
            this(Executors.newSingleThreadExecutor(Thread.ofPlatform().daemon().factory()));
        }

        Recording(Executor runner) {
            this.runner = runner;
        }

        @Override
        public void execute(Runnable task) {
            handedOverOn.add(Thread.currentThread());
            runner.execute(task);
        }

        @Override
        public void shutdown() {
            shut = true;
            if (runner instanceof ExecutorService s) {
                s.shutdown();
            }
        }

        @Override
        public List<Runnable> shutdownNow() {
            shutdown();
            return List.of();
        }

        @Override
        public boolean isShutdown() {
            return shut;
        }

        @Override
        public boolean isTerminated() {
            return shut && (!(runner instanceof ExecutorService s) || s.isTerminated());
        }

        @Override
        public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
            return !(runner instanceof ExecutorService s) || s.awaitTermination(timeout, unit);
        }
    }

    /** What runs on a fd of the file, on a ring of the test's own (no policy). */
    @FunctionalInterface
    interface OnFd {
        long run(Ring ring, int fd) throws IOException;
    }

    /** Opens {@code file} on a ring of the test's own, runs {@code body} on the fd, closes it. */
    private static long onFd(Path file, OnFd body) throws IOException {
        try (Ring ring = Ring.open(RingOptions.defaults().entries(4).setupHooks(false));
                Arena arena = Arena.ofConfined()) {
            int fd = one(ring, s -> s.prepOpenat(AtFlags.FDCWD, arena.allocateFrom(file.toString()), 0, 0));
            assertThat(fd).as("OPENAT").isGreaterThanOrEqualTo(0);
            try {
                return body.run(ring, fd);
            } finally {
                one(ring, s -> s.prepClose(fd));
            }
        }
    }

    /** Submits one SQE and returns its CQE's result. */
    private static int one(Ring ring, Consumer<Sqe> prep) throws IOException {
        Sqe sqe = ring.nextSqe();
        prep.accept(sqe);
        sqe.userData(7);
        ring.submitAndWait(1);
        int[] res = new int[1];
        assertThat(ring.reapCqes((ud, r, flags) -> res[0] = r)).isEqualTo(1);
        return res[0];
    }

    /** The kernel's answer to a cached read of {@code length} bytes at {@code position}, on a fd of its own. */
    private static long probe(Path file, long position, int length) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment dst = arena.allocate(length);
            return onFd(file, (ring, fd) -> FileCalls.readCached(fd, dst, position));
        }
    }

    private void assumeNowaitReads() throws IOException {
        assumeTrue(probe(file, 0, 4096) == 4096, "this file system has no RWF_NOWAIT buffered reads (FMODE_NOWAIT)");
    }

    /** Drops the file's pages from the page cache (written back first: DONTNEED drops clean pages only). */
    private void dropCache() throws IOException {
        assertThat(onFd(file, (ring, fd) -> one(ring, s -> s.prepFsync(fd, false)))).as("FSYNC").isZero();
        assertThat(onFd(file, (ring, fd) -> one(ring, s -> s.prepFadvise(fd, 0, 0, POSIX_FADV_DONTNEED))))
                .as("FADVISE").isZero();
        // probed at the end: a RWF_NOWAIT read that meets a page not cached starts readahead from there
        assumeTrue(probe(file, SIZE - 4096, 4096) == FileCalls.NOT_CACHED,
                "the file system keeps its pages cached after DONTNEED (tmpfs): no cold page to read");
    }

    private static Call read(AsynchronousFileChannel ch, ByteBuffer dst, long position) throws Exception {
        CompletableFuture<Handlers.Call<Integer>> done = new CompletableFuture<>();
        ch.read(dst, position, null, Handlers.recording(done));
        Handlers.Call<Integer> c = done.get(10, TimeUnit.SECONDS);
        return new Call(c.value(), c.error());
    }

    record Call(Integer value, Throwable error) {
    }

    private static boolean isLoop(Thread t) {
        return t.getName().startsWith("uring-nio");
    }

    @Test
    void aCachedReadIsDoneOnTheCallersThreadAndOnlyItsHandlerHandedOver() throws Exception {
        assumeNowaitReads();
        Recording executor = new Recording();
        try (AsynchronousFileChannel ch = UringAsynchronousFileChannel.open(file, Set.of(READ), executor)) {
            ByteBuffer dst = ByteBuffer.allocateDirect(64 * 1024);
            dst.position(10);
            Call c = read(ch, dst, 4096);
            assertThat(c.error()).isNull();
            assertThat(c.value()).isEqualTo(64 * 1024 - 10);
            assertThat(dst.position()).isEqualTo(64 * 1024);
            byte[] got = new byte[64 * 1024 - 10];
            dst.get(10, got);
            assertThat(got).isEqualTo(Arrays.copyOfRange(content, 4096, 4096 + got.length));
            assertThat(executor.handedOverOn).containsExactly(Thread.currentThread());
            // the Future form is complete when read returns
            Future<Integer> f = ch.read(dst.clear(), 0);
            assertThat(f.isDone()).isTrue();
            assertThat(f.get()).isEqualTo(64 * 1024);
        } finally {
            executor.shutdown();
        }
    }

    @Test
    void aReadOfPagesNotCachedGoesToTheRingAndReadsTheDevice() throws Exception {
        assumeNowaitReads();
        dropCache();
        Recording executor = new Recording();
        try (AsynchronousFileChannel ch = UringAsynchronousFileChannel.open(file, Set.of(READ), executor)) {
            ByteBuffer dst = ByteBuffer.allocateDirect(16 * 1024);
            Call c = read(ch, dst, SIZE / 2);
            assertThat(c.error()).isNull();
            assertThat(c.value()).isEqualTo(16 * 1024);
            byte[] got = new byte[16 * 1024];
            dst.get(0, got);
            assertThat(got).isEqualTo(Arrays.copyOfRange(content, SIZE / 2, SIZE / 2 + got.length));
            assertThat(executor.handedOverOn).singleElement().matches(CachedReadTest::isLoop, "a loop thread");
        } finally {
            executor.shutdown();
        }
    }

    @Test
    void aPartlyCachedReadCountsTheCachedBytesAndTheRingsTogether() throws Exception {
        assumeNowaitReads();
        dropCache();
        // the first page cached again by the ring: a 4 KiB READ on a fd with FADV_RANDOM (no readahead)
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment page = arena.allocate(4096);
            long n = onFd(file, (ring, fd) -> {
                assertThat(one(ring, s -> s.prepFadvise(fd, 0, 0, POSIX_FADV_RANDOM))).as("FADVISE RANDOM").isZero();
                return one(ring, s -> s.prepRead(fd, page, 0));
            });
            assertThat(n).isEqualTo(4096);
        }
        // (not probed: a RWF_NOWAIT read that meets a page not cached starts readahead for it)
        Recording executor = new Recording();
        try (AsynchronousFileChannel ch = UringAsynchronousFileChannel.open(file, Set.of(READ), executor)) {
            ByteBuffer dst = ByteBuffer.allocateDirect(256 * 1024);
            Call c = read(ch, dst, 0);
            assertThat(c.error()).isNull();
            assertThat(c.value()).as("the cached part and the ring's part in one result").isEqualTo(256 * 1024);
            assertThat(dst.position()).isEqualTo(256 * 1024);
            byte[] got = new byte[256 * 1024];
            dst.get(0, got);
            assertThat(got).isEqualTo(Arrays.copyOf(content, got.length));
            assertThat(executor.handedOverOn).hasSize(1);
            assumeTrue(executor.handedOverOn.get(0) != Thread.currentThread(),
                    "the kernel read ahead past the first page: nothing was partly cached");
            assertThat(executor.handedOverOn.get(0)).matches(CachedReadTest::isLoop, "a loop thread");
        } finally {
            executor.shutdown();
        }
    }

    @Test
    void atAndPastTheEndACachedReadAnswersMinusOneAndAShortReadAtTheEndItsBytes() throws Exception {
        assumeNowaitReads();
        Recording executor = new Recording();
        try (AsynchronousFileChannel ch = UringAsynchronousFileChannel.open(file, Set.of(READ), executor)) {
            ByteBuffer dst = ByteBuffer.allocateDirect(8192);
            assertThat(read(ch, dst, SIZE).value()).isEqualTo(-1);
            assertThat(read(ch, dst.clear(), SIZE + 12345L).value()).isEqualTo(-1);
            assertThat(dst.position()).isZero();
            // 100 bytes before the end: 100 from the cache, then the ring finds the end (0) and the result is 100
            assertThat(read(ch, dst.clear(), SIZE - 100).value()).isEqualTo(100);
            assertThat(dst.position()).isEqualTo(100);
        } finally {
            executor.shutdown();
        }
    }

    @Test
    void aHeapBufferIsReadOnTheCallerThroughNativeMemoryOfItsOwn() throws Exception {
        assumeNowaitReads();
        Recording executor = new Recording();
        try (AsynchronousFileChannel ch = UringAsynchronousFileChannel.open(file, Set.of(READ), executor)) {
            // a slice of a wrapped array that starts 3 bytes in, read from its position 5
            ByteBuffer heap = ByteBuffer.wrap(new byte[70_000], 3, 69_000).slice().position(5);
            assertThat(read(ch, heap, 1000).value()).isEqualTo(69_000 - 5);
            assertThat(heap.position()).isEqualTo(69_000);
            assertThat(Arrays.copyOfRange(heap.array(), 3 + 5, 3 + 69_000))
                    .isEqualTo(Arrays.copyOfRange(content, 1000, 1000 + 69_000 - 5));
            assertThat(executor.handedOverOn).containsExactly(Thread.currentThread());
        } finally {
            executor.shutdown();
        }
    }

    @Test
    void readsOverTheCapGoToTheRing() throws Exception {
        assumeNowaitReads();
        Recording executor = new Recording();
        try (AsynchronousFileChannel ch = UringAsynchronousFileChannel.open(file, Set.of(READ), executor)) {
            ByteBuffer big = ByteBuffer.allocateDirect(512 * 1024);
            assertThat(read(ch, big, 0).value()).isEqualTo(512 * 1024);
            ByteBuffer bigHeap = ByteBuffer.allocate(256 * 1024 + 1);
            assertThat(read(ch, bigHeap, 0).value()).isEqualTo(256 * 1024 + 1);
            assertThat(executor.handedOverOn).hasSize(2).allMatch(CachedReadTest::isLoop, "loop threads");
            assertThat(bigHeap.array()).isEqualTo(Arrays.copyOf(content, 256 * 1024 + 1));
        } finally {
            executor.shutdown();
        }
    }

    @Test
    void aFileSystemWithoutNowaitReadsIsReadThroughTheRing() throws Exception {
        // procfs has no RWF_NOWAIT reads on any kernel: the caller's try is refused and the ring reads
        Path version = Path.of("/proc/version");
        long r = probe(version, 0, 4096);
        assumeTrue(r < 0 && r != FileCalls.NOT_CACHED,
                "/proc/version was read with RWF_NOWAIT: nothing to fall back from");
        byte[] expected = Files.readAllBytes(version);
        Recording executor = new Recording();
        try (AsynchronousFileChannel ch = UringAsynchronousFileChannel.open(version, Set.of(READ), executor)) {
            for (int i = 0; i < 2; i++) {
                ByteBuffer dst = ByteBuffer.allocateDirect(4096);
                assertThat(read(ch, dst, 0).value()).isEqualTo(expected.length);
                byte[] got = new byte[expected.length];
                dst.get(0, got);
                assertThat(got).isEqualTo(expected);
            }
            assertThat(executor.handedOverOn).hasSize(2).allMatch(CachedReadTest::isLoop, "loop threads");
        } finally {
            executor.shutdown();
        }
    }

    @Test
    void anExecutorThatRunsHandlersInlineDoesNotNestCachedReadsWithoutBound() throws Exception {
        assumeNowaitReads();
        // each handler reads the next block at once; inline, 20,000 of them nested would overflow the stack
        int reads = 20_000;
        AtomicInteger done = new AtomicInteger();
        CompletableFuture<Throwable> end = new CompletableFuture<>();
        try (AsynchronousFileChannel ch = UringAsynchronousFileChannel.open(file, Set.of(READ),
                new Recording(Runnable::run))) {
            ByteBuffer dst = ByteBuffer.allocateDirect(64);
            CompletionHandler<Integer, Void> next = new CompletionHandler<>() {
                @Override
                public void completed(Integer n, Void a) {
                    if (done.incrementAndGet() == reads) {
                        end.complete(null);
                        return;
                    }
                    ch.read(dst.clear(), (done.get() * 64L) % SIZE, null, this);
                }

                @Override
                public void failed(Throwable e, Void a) {
                    end.complete(e);
                }
            };
            ch.read(dst, 0, null, next);
            assertThat(end.get(30, TimeUnit.SECONDS)).isNull();
            assertThat(done.get()).isEqualTo(reads);
        }
    }

    @Test
    void aClosedChannelRefusesACachedReadAsAnyOther() throws Exception {
        assumeNowaitReads();
        AsynchronousFileChannel ch = UringAsynchronousFileChannel.open(file, READ);
        ch.close();
        ByteBuffer dst = ByteBuffer.allocateDirect(4096);
        assertThatThrownBy(() -> ch.read(dst, 0).get()).isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(ClosedChannelException.class);
        Call c = read(ch, dst, 0);
        assertThat(c.error()).isInstanceOf(ClosedChannelException.class);
        assertThat(dst.position()).isZero();
    }

    @Test
    void aPolicyThatLimitsReadsKeepsEveryReadOnItsRingsSoTheLimitHolds() throws Exception {
        assumeNowaitReads();
        RingPolicy small = PolicyProfiles.parse("""
                uring-policy 1
                name small-reads
                allow-ops ALL
                allow-register-ops ALL
                allow-sqe-flags ALL
                max-length ops=READ max=4096
                """, "test");
        RingPolicy noReads = PolicyProfiles.parse("""
                uring-policy 1
                name no-reads
                allow-ops ALL
                deny-ops READ
                allow-register-ops ALL
                allow-sqe-flags ALL
                """, "test");
        try (AsynchronousFileChannel ch = PolicyScope.call(small,
                () -> UringAsynchronousFileChannel.open(file, READ))) {
            assertThat(ch.read(ByteBuffer.allocateDirect(4096), 0).get()).isEqualTo(4096);
            // cached, but longer than the policy allows: refused, not read on the caller's thread
            ByteBuffer big = ByteBuffer.allocateDirect(8192);
            assertThatThrownBy(() -> ch.read(big, 0).get()).isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(AccessDeniedException.class);
            assertThat(big.position()).isZero();
        }
        try (AsynchronousFileChannel ch = PolicyScope.call(noReads,
                () -> UringAsynchronousFileChannel.open(file, READ))) {
            ByteBuffer dst = ByteBuffer.allocateDirect(4096);
            assertThatThrownBy(() -> ch.read(dst, 0).get()).isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(AccessDeniedException.class);
            assertThat(dst.position()).isZero();
        }
    }
}
