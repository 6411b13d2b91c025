package dev.uring.core.files;

import static dev.uring.core.files.LoopOps.eventually;
import static dev.uring.core.files.LoopOps.fileWith;
import static dev.uring.core.files.LoopOps.openAlloc;
import static dev.uring.core.files.LoopOps.readFixed;
import static dev.uring.core.files.LoopOps.readText;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.uring.core.OpenFlags;
import dev.uring.core.SocketAddresses;
import dev.uring.core.UringException;
import dev.uring.core.ffi.Errno;
import dev.uring.core.files.FixedFileTable.Propagation;
import dev.uring.core.loop.EventLoop;
import dev.uring.core.loop.EventLoopGroup;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class FixedFileTableTest {
    @TempDir
    Path dir;
    private EventLoopGroup group;
    private long baselineFds;

    @BeforeEach
    void startGroup() throws Exception {
        group = EventLoopGroup.create(3);
        baselineFds = LoopOps.fdCount();
    }

    @AfterEach
    void closeGroup() {
        group.close();
    }

    private FixedFileTable table(int groupSlots, int kernelSlots, Propagation p) throws Exception {
        return FixedFileTable.create(group, groupSlots, kernelSlots, p).get(10, TimeUnit.SECONDS);
    }

    private static FixedFile open(FixedFileTable t, EventLoop origin, Path p) throws Exception {
        return t.open(origin, p, OpenFlags.O_RDONLY, 0).get(10, TimeUnit.SECONDS);
    }

    @Test
    void fileOpenedOnRingZeroReadsTheSameSlotOnEveryRing() throws Exception {
        Path p = fileWith(dir, "a", "alpha-file");
        try (FixedFileTable t = table(8, 4, Propagation.EAGER)) {
            FixedFile f = open(t, group.get(0), p);
            for (EventLoop l : group) {
                assertThat(f.slot(l)).isEqualTo(f.slot());
                assertThat(readText(l, f.slot(l), 64)).isEqualTo("alpha-file");
            }
            f.release();
        }
        assertThat(LoopOps.fdCount()).isEqualTo(baselineFds);
    }

    @Test
    void installsStartedOnLoopThreadsNeverBlockThem() throws Exception {
        Path p = fileWith(dir, "n", "no-deadlock");
        try (FixedFileTable t = table(16, 0, Propagation.EAGER); Arena a = Arena.ofShared()) {
            java.util.List<CompletableFuture<String>> reads = new java.util.ArrayList<>();
            for (int i = 0; i < group.size(); i++) {
                EventLoop here = group.get(i);
                EventLoop origin = group.get((i + 1) % group.size());
                MemorySegment buf = a.allocate(32);
                CompletableFuture<String> read = new CompletableFuture<>();
                reads.add(read);
                // on a loop thread: open with another loop as origin (its SEND_FDs need this loop's
                // task work), then read through the slot here; nothing may block a loop
                here.execute(() -> t.open(origin, p, OpenFlags.O_RDONLY, 0)
                        .thenCompose(f -> LoopOps.submit(here, s -> s.prepRead(f.slot(here), buf, 0)
                                .addFlags(dev.uring.core.SqeFlags.FIXED_FILE)).whenComplete((n, e) -> f.release()))
                        .whenComplete((n, e) -> {
                            if (e != null) {
                                read.completeExceptionally(e);
                            } else {
                                read.complete(n < 0 ? "errno " + n : new String(buf.asSlice(0, n)
                                        .toArray(java.lang.foreign.ValueLayout.JAVA_BYTE)));
                            }
                        }));
            }
            for (CompletableFuture<String> r : reads) {
                assertThat(r.get(10, TimeUnit.SECONDS)).isEqualTo("no-deadlock");
            }
            assertThat(eventually(() -> t.slotsInUse() == 0)).isTrue();
        }
    }

    @Test
    void releaseClearsTheSlotOnEveryRingBeforeReuse() throws Exception {
        Path p = fileWith(dir, "a", "alpha");
        try (FixedFileTable t = table(4, 0, Propagation.EAGER); Arena a = Arena.ofShared()) {
            FixedFile f = open(t, group.get(1), p);
            int slot = f.slot();
            assertThat(t.slotsInUse()).isEqualTo(1);
            f.release();
            f.cleared().get(10, TimeUnit.SECONDS);
            assertThat(t.slotsInUse()).isZero();
            MemorySegment buf = a.allocate(16);
            for (EventLoop l : group) {
                assertThat(readFixed(l, slot, buf)).isEqualTo(-Errno.EBADF);
            }
        }
    }

    @Test
    void acceptedConnectionIsSharedAndClosedOnceEveryRingLetsGo() throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        // the JDK keeps a socket of its own after its first network use: count from here
        new Socket().close();
        baselineFds = LoopOps.fdCount();
        EventLoop l0 = group.get(0);
        int listenFd;
        try (Arena a = Arena.ofShared()) {
            listenFd = LoopOps.await(LoopOps.submit(l0, s -> s.prepSocket(SocketAddresses.AF_INET, 1 /* SOCK_STREAM */, 0,
                    0)));
            assertThat(listenFd).isPositive();
            MemorySegment addr = SocketAddresses.allocate(a, new InetSocketAddress(java.net.InetAddress.getLoopbackAddress(),
                    port));
            if (dev.uring.core.KernelFeature.BIND.isAvailable()) {
                assertThat(LoopOps.await(LoopOps.submit(l0, s -> s.prepBind(listenFd, addr)))).isZero();
                assertThat(LoopOps.await(LoopOps.submit(l0, s -> s.prepListen(listenFd, 4)))).isZero();
            } else { // before 6.11, as the framework does
                dev.uring.core.SocketCalls.bind(listenFd, new InetSocketAddress(java.net.InetAddress.getLoopbackAddress(),
                        port));
                dev.uring.core.SocketCalls.listen(listenFd, 4);
            }
        }
        try (FixedFileTable t = table(4, 0, Propagation.EAGER); Socket client = new Socket()) {
            CompletableFuture<FixedFile> accepted = t.accept(group.get(2), listenFd, 0);
            client.connect(new InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), port));
            FixedFile conn = accepted.get(10, TimeUnit.SECONDS);
            client.getOutputStream().write("ping".getBytes());
            assertThat(readText(group.get(1), conn.slot(group.get(1)), 4)).isEqualTo("ping");
            client.setSoTimeout(10_000);
            conn.release();
            // EOF only once no ring holds the accepted socket any more
            InputStream in = client.getInputStream();
            assertThat(in.read()).isEqualTo(-1);
        } finally {
            assertThat(LoopOps.await(LoopOps.submit(l0, s -> s.prepClose(listenFd)))).isZero();
        }
        assertThat(LoopOps.fdCount()).isEqualTo(baselineFds);
    }

    @Test
    void socketCreatedDirectIsLiveOnEveryRing() throws Exception {
        try (FixedFileTable t = FixedFileTable.create(group, 2, 0).get(10, TimeUnit.SECONDS)) {
            assertThat(t.propagation()).isEqualTo(Propagation.EAGER);
            FixedFile s = t.socket(group.get(1), SocketAddresses.AF_INET, 1 /* SOCK_STREAM */, 0).get(10, TimeUnit.SECONDS);
            for (EventLoop l : group) {
                // SHUTDOWN of an unconnected socket: ENOTCONN proves the slot holds a socket on that ring
                int slot = s.slot(l);
                assertThat(LoopOps.await(LoopOps.submit(l, q -> q.prepShutdown(slot, 2)
                        .addFlags(dev.uring.core.SqeFlags.FIXED_FILE)))).isEqualTo(-107);
            }
            s.release();
        }
    }

    @Test
    void registeringAnExistingFdPutsItInEveryRing() throws Exception {
        Path p = fileWith(dir, "r", "registered");
        EventLoop l0 = group.get(0);
        int fd;
        try (Arena a = Arena.ofShared()) {
            MemorySegment path = a.allocateFrom(p.toString());
            fd = LoopOps.await(LoopOps.submit(l0, s -> s.prepOpenat(dev.uring.core.AtFlags.FDCWD, path, OpenFlags.O_RDONLY, 0)));
        }
        assertThat(fd).isPositive();
        try (FixedFileTable t = table(4, 0, Propagation.EAGER)) {
            FixedFile f = t.register(group.get(1), fd).get(10, TimeUnit.SECONDS);
            LoopOps.await(LoopOps.submit(l0, s -> s.prepClose(fd)));
            for (EventLoop l : group) {
                assertThat(readText(l, f.slot(l), 32)).isEqualTo("registered");
            }
            f.release();
        }
        assertThat(LoopOps.fdCount()).isEqualTo(baselineFds);
    }

    @Test
    void lazyPropagationInstallsOnFirstUse() throws Exception {
        Path p = fileWith(dir, "l", "lazy");
        try (FixedFileTable t = table(4, 0, Propagation.LAZY); Arena a = Arena.ofShared()) {
            FixedFile f = open(t, group.get(0), p);
            assertThat(readText(group.get(0), f.slot(group.get(0)), 8)).isEqualTo("lazy");
            assertThatThrownBy(() -> f.slot(group.get(2))).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("not installed");
            assertThat(readFixed(group.get(2), f.slot(), a.allocate(8))).isEqualTo(-Errno.EBADF);
            int slot = f.on(group.get(2)).get(10, TimeUnit.SECONDS);
            assertThat(readText(group.get(2), slot, 8)).isEqualTo("lazy");
            assertThat(f.slot(group.get(2))).isEqualTo(slot);
            f.release();
            f.cleared().get(10, TimeUnit.SECONDS);
            assertThat(t.slotsInUse()).isZero();
            assertThat(readFixed(group.get(2), slot, a.allocate(8))).isEqualTo(-Errno.EBADF);
        }
    }

    @Test
    void failedPropagationRollsBackEveryRing() throws Exception {
        Path p = fileWith(dir, "x", "rolled-back");
        try (FixedFileTable t = table(4, 0, Propagation.EAGER); Arena a = Arena.ofShared()) {
            // take ring 2's table away behind the table's back: SEND_FD to it answers ENXIO
            EventLoop l2 = group.get(2);
            CompletableFuture<Void> gone = new CompletableFuture<>();
            l2.execute(() -> {
                try {
                    l2.ring().unregisterFiles();
                    gone.complete(null);
                } catch (Exception e) {
                    gone.completeExceptionally(e);
                }
            });
            gone.get(10, TimeUnit.SECONDS);
            CompletableFuture<FixedFile> f = t.open(group.get(0), p, OpenFlags.O_RDONLY, 0);
            assertThatThrownBy(() -> f.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOf(UringException.class).hasMessageContaining("ENXIO");
            assertThat(eventually(() -> t.slotsInUse() == 0)).isTrue();
            // the rings that did get the file no longer hold it
            assertThat(readFixed(group.get(0), 0, a.allocate(8))).isEqualTo(-Errno.EBADF);
            assertThat(readFixed(group.get(1), 0, a.allocate(8))).isEqualTo(-Errno.EBADF);
        }
    }

    @Test
    void openOfAMissingFileFailsAndFreesTheSlot() throws Exception {
        try (FixedFileTable t = table(2, 0, Propagation.EAGER)) {
            CompletableFuture<FixedFile> f = t.open(group.get(0), dir.resolve("missing"), OpenFlags.O_RDONLY, 0);
            assertThatThrownBy(() -> f.get(10, TimeUnit.SECONDS)).cause().isInstanceOf(NoSuchFileException.class);
            assertThat(t.slotsInUse()).isZero();
        }
    }

    @Test
    void kernelAllocationStaysOutOfTheGroupRange() throws Exception {
        Path p = fileWith(dir, "k", "kernel");
        try (FixedFileTable t = table(4, 2, Propagation.EAGER)) {
            int s1 = openAlloc(group.get(0), p);
            int s2 = openAlloc(group.get(0), p);
            assertThat(s1).isBetween(4, 5);
            assertThat(s2).isBetween(4, 5).isNotEqualTo(s1);
            assertThat(openAlloc(group.get(0), p)).isEqualTo(-Errno.ENFILE);
            // the group's allocator is unaffected
            FixedFile f = open(t, group.get(0), p);
            assertThat(f.slot()).isBetween(0, 3);
            f.release();
        }
        try (FixedFileTable t = table(4, 0, Propagation.EAGER)) {
            assertThat(openAlloc(group.get(1), p)).isEqualTo(-Errno.ENFILE);
        }
    }

    @Test
    void exhaustedSlotsAreAClearError() throws Exception {
        Path p = fileWith(dir, "e", "e");
        try (FixedFileTable t = table(2, 0, Propagation.EAGER)) {
            FixedFile a = open(t, group.get(0), p);
            FixedFile b = open(t, group.get(1), p);
            assertThat(a.slot()).isNotEqualTo(b.slot());
            assertThatThrownBy(() -> t.open(group.get(0), p, OpenFlags.O_RDONLY, 0))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("exhausted");
            a.release();
            assertThat(eventually(() -> t.slotsInUse() == 1)).isTrue();
            FixedFile c = open(t, group.get(0), p);
            assertThat(c.slot()).isEqualTo(a.slot());
            b.release();
            c.release();
        }
    }

    @Test
    void doubleReleaseAndUseAfterCloseAreRefused() throws Exception {
        Path p = fileWith(dir, "d", "d");
        try (FixedFileTable t = table(2, 0, Propagation.EAGER)) {
            FixedFile f = open(t, group.get(0), p);
            f.retain();
            assertThat(f.refCount()).isEqualTo(2);
            f.release();
            assertThat(readText(group.get(1), f.slot(group.get(1)), 4)).isEqualTo("d");
            f.release();
            assertThat(f.isOpen()).isFalse();
            assertThatThrownBy(f::release).isInstanceOf(IllegalStateException.class).hasMessageContaining("double release");
            assertThatThrownBy(() -> f.slot(group.get(0))).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("use after close");
            assertThatThrownBy(f::retain).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
            assertThatThrownBy(() -> f.on(group.get(0))).isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void aRingFromAnotherGroupIsRefused() throws Exception {
        Path p = fileWith(dir, "o", "o");
        try (EventLoopGroup other = EventLoopGroup.create(1); FixedFileTable t = table(2, 0, Propagation.EAGER)) {
            EventLoop foreign = other.get(0);
            FixedFile f = open(t, group.get(0), p);
            assertThatThrownBy(() -> f.slot(foreign)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("another group");
            assertThatThrownBy(() -> t.open(foreign, p, OpenFlags.O_RDONLY, 0))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a ring of this");
            assertThatThrownBy(() -> t.cloneFiles(foreign, group.get(0), 0, 0, 0, true))
                    .isInstanceOf(IllegalArgumentException.class);
            // a loop already in a table cannot be in a second one
            assertThatThrownBy(() -> FixedFileTable.create(group, 2, 0, Propagation.EAGER))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("another fixed-file table");
            f.release();
        }
    }

    @Test
    void aRingThatJoinsLaterReceivesTheCurrentTable() throws Exception {
        Path p1 = fileWith(dir, "j1", "first");
        Path p2 = fileWith(dir, "j2", "second");
        Path p3 = fileWith(dir, "j3", "third");
        try (EventLoop late = EventLoop.start(EventLoop.defaultOptions(64), EventLoopGroup.daemonThreads("late"));
             FixedFileTable t = table(8, 0, Propagation.EAGER)) {
            FixedFile a = open(t, group.get(0), p1);
            FixedFile b = open(t, group.get(1), p2);
            t.attach(late).get(10, TimeUnit.SECONDS);
            assertThat(readText(late, a.slot(late), 16)).isEqualTo("first");
            assertThat(readText(late, b.slot(late), 16)).isEqualTo("second");
            FixedFile c = open(t, group.get(2), p3);
            assertThat(readText(late, c.slot(late), 16)).isEqualTo("third");
            assertThatThrownBy(() -> t.attach(late)).isInstanceOf(IllegalArgumentException.class);
            a.release();
            b.release();
            c.release();
            CompletableFuture.allOf(a.cleared(), b.cleared(), c.cleared()).get(10, TimeUnit.SECONDS);
            assertThat(t.slotsInUse()).isZero();
            try (Arena arena = Arena.ofShared()) {
                assertThat(readFixed(late, a.slot(), arena.allocate(8))).isEqualTo(-Errno.EBADF);
            }
        }
    }

    @Test
    void closingTheTableClearsLiveFilesAndFreesTheLoops() throws Exception {
        Path p = fileWith(dir, "c", "c");
        FixedFile f;
        try (FixedFileTable t = table(2, 0, Propagation.EAGER)) {
            f = open(t, group.get(0), p);
        }
        assertThat(f.isOpen()).isFalse();
        f.release(); // allowed after the table closed
        assertThatThrownBy(() -> f.slot(group.get(0))).isInstanceOf(IllegalStateException.class);
        // the loops are free for a new table, which starts empty
        try (FixedFileTable t2 = table(2, 0, Propagation.EAGER); Arena a = Arena.ofShared()) {
            assertThat(readFixed(group.get(0), f.slot(), a.allocate(4))).isEqualTo(-Errno.EBADF);
            assertThat(t2.slotsInUse()).isZero();
        }
        assertThat(LoopOps.fdCount()).isEqualTo(baselineFds);
    }
}
