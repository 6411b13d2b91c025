package dev.uring.core.files;

import static dev.uring.core.files.LoopOps.eventually;
import static dev.uring.core.files.LoopOps.fileWith;
import static dev.uring.core.files.LoopOps.openAlloc;
import static dev.uring.core.files.LoopOps.readFixed;
import static dev.uring.core.files.LoopOps.readText;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.uring.core.OpenFlags;
import dev.uring.core.ffi.Errno;
import dev.uring.core.files.FixedFileTable.Propagation;
import dev.uring.core.loop.EventLoop;
import dev.uring.core.loop.EventLoopGroup;
import java.lang.foreign.Arena;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** cloneFiles: the validation of the CLONE_FILES patch (seed 001) and its copy semantics, on the real kernel. */
@Timeout(60)
class CloneFilesTest {
    private static final int GROUP = 4;
    private static final int KERNEL = 4;
    @TempDir
    Path dir;
    private EventLoopGroup group;
    private FixedFileTable table;
    private EventLoop l0;
    private EventLoop l1;

    @BeforeEach
    void start() throws Exception {
        group = EventLoopGroup.create(2);
        l0 = group.get(0);
        l1 = group.get(1);
        table = FixedFileTable.create(group, GROUP, KERNEL, Propagation.EAGER).get(10, TimeUnit.SECONDS);
    }

    @AfterEach
    void stop() {
        table.close();
        group.close();
    }

    @Test
    void selfCloneIsRejected() {
        assertThatThrownBy(() -> table.cloneFiles(l0, l0, 0, 0, 0, true))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("self-clone");
    }

    @Test
    void busyDestinationWithoutReplaceIsRejected() {
        assertThatThrownBy(() -> table.cloneFiles(l0, l1, 0, 0, 0, false))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("EBUSY")
                .hasMessageContaining("replace");
    }

    @Test
    void offsetsWithoutNrAreRejected() {
        assertThatThrownBy(() -> table.cloneFiles(l0, l1, 1, 1, 0, true))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("explicit nr");
        assertThatThrownBy(() -> table.cloneFiles(l0, l1, -1, 0, 1, true))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("negative");
    }

    @Test
    void rangesThatOverflowOrExceedTheTableAreRejected() {
        int size = GROUP + KERNEL;
        assertThatThrownBy(() -> table.cloneFiles(l0, l1, Integer.MAX_VALUE, Integer.MAX_VALUE, 1, true))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("overflows");
        assertThatThrownBy(() -> table.cloneFiles(l0, l1, 0, 0, size + 1, true))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("exceeds the source table");
        assertThatThrownBy(() -> table.cloneFiles(l0, l1, size - 1, size - 1, 2, true))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("exceeds the source table");
        assertThatThrownBy(() -> table.cloneFiles(l0, l1, 0, size - 1, 2, true))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cannot grow");
    }

    @Test
    void renumberingIntoTheGroupRangeIsRejected() {
        assertThatThrownBy(() -> table.cloneFiles(l0, l1, 1, 0, 1, true))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("keep slot numbers");
    }

    @Test
    void emptySourceIsRejected() throws Exception {
        try (EventLoop late = EventLoop.start(EventLoop.defaultOptions(64), EventLoopGroup.daemonThreads("late"))) {
            // hold the joining loop's thread so that it cannot register its table yet
            CountDownLatch hold = new CountDownLatch(1);
            late.execute(() -> {
                try {
                    hold.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            CompletableFuture<Void> joined = table.attach(late);
            assertThatThrownBy(() -> table.cloneFiles(late, l0, 0, 0, 0, true))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("ENXIO")
                    .hasMessageContaining("no file table");
            assertThatThrownBy(() -> table.open(late, dir, OpenFlags.O_RDONLY, 0))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("joining");
            hold.countDown();
            joined.get(10, TimeUnit.SECONDS);
            assertThat(table.loops()).contains(late);
        }
    }

    @Test
    void closedTableRefusesClones() {
        table.close();
        assertThatThrownBy(() -> table.cloneFiles(l0, l1, 0, 0, 0, true))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    }

    @Test
    void kernelRangeSlotsAreCopiedAndHolesClearTheDestination() throws Exception {
        Path p = fileWith(dir, "k", "ring-local");
        int ks = openAlloc(l0, p);
        assertThat(ks).isBetween(GROUP, GROUP + KERNEL - 1);
        int dst = GROUP + KERNEL - 1 == ks ? GROUP : GROUP + KERNEL - 1;
        table.cloneFiles(l0, l1, ks, dst, 1, true).get(10, TimeUnit.SECONDS);
        assertThat(readText(l1, dst, 32)).isEqualTo("ring-local");
        // a snapshot: clearing the source afterwards leaves the clone
        assertThat(LoopOps.await(LoopOps.submit(l0, s -> s.prepCloseDirect(ks)))).isZero();
        assertThat(readText(l1, dst, 32)).isEqualTo("ring-local");
        // cloning the now empty source slot copies the hole
        table.cloneFiles(l0, l1, ks, dst, 1, true).get(10, TimeUnit.SECONDS);
        try (Arena a = Arena.ofShared()) {
            assertThat(readFixed(l1, dst, a.allocate(8))).isEqualTo(-Errno.EBADF);
        }
    }

    @Test
    void wholeTableCloneWithReplaceRestoresTheGroupFiles() throws Exception {
        Path p = fileWith(dir, "g", "group-file");
        FixedFile f = table.open(l0, p, OpenFlags.O_RDONLY, 0).get(10, TimeUnit.SECONDS);
        // break ring 1's copy behind the table's back, then repair it by cloning ring 0's table
        assertThat(LoopOps.await(LoopOps.submit(l1, s -> s.prepCloseDirect(f.slot())))).isZero();
        try (Arena a = Arena.ofShared()) {
            assertThat(readFixed(l1, f.slot(), a.allocate(8))).isEqualTo(-Errno.EBADF);
        }
        table.cloneFiles(l0, l1, 0, 0, 0, true).get(10, TimeUnit.SECONDS);
        assertThat(readText(l1, f.slot(l1), 32)).isEqualTo("group-file");
        // the clone's pin is gone again: one release closes it everywhere
        assertThat(f.refCount()).isEqualTo(1);
        f.release();
        assertThat(eventually(() -> table.slotsInUse() == 0)).isTrue();
    }
}
