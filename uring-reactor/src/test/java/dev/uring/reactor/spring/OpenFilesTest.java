package dev.uring.reactor.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.uring.core.Statx;
import dev.uring.reactor.TestRuntimes;
import dev.uring.reactor.Uring;
import dev.uring.reactor.file.ReactiveFiles;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The files kept open between responses, on real files through a real ring. */
@Timeout(60)
class OpenFilesTest {
    static final Duration WAIT = Duration.ofSeconds(10);
    @AutoClose
    static final Uring uring = TestRuntimes.create(1);

    @TempDir
    Path dir;

    private static OpenFiles.Lease open(OpenFiles files, Path path) {
        return files.open(path, null).block(WAIT);
    }

    /** A response that came and went: the file it was given, released. */
    private static OpenFiles.Lease served(OpenFiles files, Path path) {
        OpenFiles.Lease lease = open(files, path);
        lease.release();
        return lease;
    }

    /** Replaces {@code path} as an upload does: a new file renamed over it (a new inode). */
    private void renameOver(Path path, String text) throws Exception {
        Path next = Files.writeString(dir.resolve(path.getFileName() + ".next"), text);
        Files.move(next, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static String contents(OpenFiles.Lease lease) {
        ByteBuffer b = lease.file.read(0, (int) Math.max(1, lease.size)).defaultIfEmpty(ByteBuffer.allocate(0)).block(WAIT);
        return StandardCharsets.UTF_8.decode(b).toString();
    }

    @Test
    void aSecondResponseReusesTheOpenFileAndAReleasedOneStaysOpen() throws Exception {
        Path f = Files.writeString(dir.resolve("a.txt"), "first");
        try (OpenFiles files = new OpenFiles(uring, 4)) {
            OpenFiles.Lease one = served(files, f);
            OpenFiles.Lease two = open(files, f);
            assertThat(two.file).isSameAs(one.file);
            assertThat(two.file.isOpen()).isTrue();
            assertThat(contents(two)).isEqualTo("first");
            two.release();
            assertThat(files.size()).isEqualTo(1);
        }
    }

    @Test
    void aFileRenamedOverTheKeptOneIsOpenedAfreshEvenWithTheSameSize() throws Exception {
        Path f = Files.writeString(dir.resolve("r.txt"), "old!!");
        try (OpenFiles files = new OpenFiles(uring, 4)) {
            OpenFiles.Lease old = served(files, f);
            renameOver(f, "new!!");
            OpenFiles.Lease fresh = open(files, f);
            assertThat(fresh.file).isNotSameAs(old.file);
            assertThat(contents(fresh)).isEqualTo("new!!");
            fresh.release();
            // the replaced file's fd went back to the kernel: nothing read it any more
            assertThat(old.file.isOpen()).isFalse();
            assertThat(files.size()).isEqualTo(1);
        }
    }

    @Test
    void aFileChangedInPlaceIsReadAsItIsNowAndAGrownOneAtItsNewSize() throws Exception {
        Path f = Files.writeString(dir.resolve("p.txt"), "aaaa");
        try (OpenFiles files = new OpenFiles(uring, 4)) {
            served(files, f);
            Files.writeString(f, "bbbb", StandardOpenOption.WRITE);
            OpenFiles.Lease same = open(files, f);
            assertThat(contents(same)).isEqualTo("bbbb");
            same.release();
            Files.writeString(f, "cccccc", StandardOpenOption.WRITE);
            OpenFiles.Lease grown = open(files, f);
            assertThat(grown.size).isEqualTo(6);
            assertThat(contents(grown)).isEqualTo("cccccc");
            grown.release();
        }
    }

    @Test
    void aDeletedFileIsMissingAndItsKeptFileClosed() throws Exception {
        Path f = Files.writeString(dir.resolve("d.txt"), "gone soon");
        try (OpenFiles files = new OpenFiles(uring, 4)) {
            OpenFiles.Lease kept = served(files, f);
            Files.delete(f);
            assertThatThrownBy(() -> open(files, f)).hasCauseInstanceOf(NoSuchFileException.class);
            assertThat(files.size()).isZero();
            assertThat(kept.file.isOpen()).isFalse();
        }
    }

    @Test
    void aStatxTheCallerTookStandsInForTheCachesOwn() throws Exception {
        Path f = Files.writeString(dir.resolve("k.txt"), "known");
        try (OpenFiles files = new OpenFiles(uring, 4)) {
            Statx stat = ReactiveFiles.stat(uring, f).block(WAIT);
            OpenFiles.Lease one = files.open(f, stat).block(WAIT);
            one.release();
            OpenFiles.Lease two = files.open(f, stat).block(WAIT);
            assertThat(two.file).isSameAs(one.file);
            two.release();
            // replaced: the caller's new STATX no longer matches, so the file is opened again
            renameOver(f, "other");
            OpenFiles.Lease three = files.open(f, ReactiveFiles.stat(uring, f).block(WAIT)).block(WAIT);
            assertThat(three.file).isNotSameAs(one.file);
            assertThat(contents(three)).isEqualTo("other");
            three.release();
        }
    }

    @Test
    void aFullCacheClosesTheFileItDropsOnceItsLastResponseIsDone() throws Exception {
        try (OpenFiles files = new OpenFiles(uring, 2)) {
            OpenFiles.Lease[] leases = new OpenFiles.Lease[5];
            for (int i = 0; i < leases.length; i++) {
                leases[i] = open(files, Files.writeString(dir.resolve(i + ".txt"), "file " + i));
            }
            assertThat(files.size()).isEqualTo(2);
            // every lease still reads: a dropped file stays open while a response holds it
            for (int i = 0; i < leases.length; i++) {
                assertThat(contents(leases[i])).isEqualTo("file " + i);
                leases[i].release();
            }
            long open = java.util.Arrays.stream(leases).filter(l -> l.file.isOpen()).count();
            assertThat(open).isEqualTo(2);
        }
    }

    @Test
    void closeClosesTheKeptFilesAfterTheirResponsesAndLaterOnesAreNotKept() throws Exception {
        Path f = Files.writeString(dir.resolve("c.txt"), "close me");
        OpenFiles files = new OpenFiles(uring, 4);
        OpenFiles.Lease held = open(files, f);
        files.close();
        assertThat(files.isClosed()).isTrue();
        assertThat(held.file.isOpen()).isTrue();
        assertThat(contents(held)).isEqualTo("close me");
        held.release();
        assertThat(held.file.isOpen()).isFalse();
        OpenFiles.Lease after = open(files, f);
        assertThat(files.size()).isZero();
        after.release();
        assertThat(after.file.isOpen()).isFalse();
    }

    @Test
    void capacityZeroOpensAndClosesPerResponse() throws Exception {
        Path f = Files.writeString(dir.resolve("z.txt"), "zero");
        try (OpenFiles files = new OpenFiles(uring, 0)) {
            OpenFiles.Lease one = open(files, f);
            assertThat(contents(one)).isEqualTo("zero");
            one.release();
            assertThat(one.file.isOpen()).isFalse();
            OpenFiles.Lease two = open(files, f);
            assertThat(two.file).isNotSameAs(one.file);
            two.release();
            assertThat(files.size()).isZero();
        }
    }

    private static boolean eventually(java.util.function.BooleanSupplier c) throws InterruptedException {
        long end = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < end) {
            if (c.getAsBoolean()) {
                return true;
            }
            Thread.sleep(5);
        }
        return c.getAsBoolean();
    }

    /** This process's open fds, less the jars the class loaders open lazily (not ours to count). */
    private static long openFds() throws java.io.IOException {
        try (java.util.stream.Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
            return s.filter(fd -> {
                try {
                    return !Files.readSymbolicLink(fd).toString().endsWith(".jar");
                } catch (java.io.IOException e) {
                    return false; // closed while listed
                }
            }).count();
        }
    }

    @Test
    void keptFilesTakeASlotOfTheRuntimesTableAndGiveItBackWhenDropped() throws Exception {
        Path f = Files.writeString(dir.resolve("fixed.txt"), "kept in a slot");
        try (Uring fixed = Uring.create(2).fixedFiles(8)) {
            var table = fixed.fixedFileTable();
            long before = openFds();
            try (OpenFiles files = new OpenFiles(fixed, 4)) {
                for (int i = 0; i < 3; i++) {
                    OpenFiles.Lease lease = open(files, f);
                    assertThat(contents(lease)).isEqualTo("kept in a slot");
                    lease.release();
                }
                OpenFiles.Lease kept = open(files, f);
                assertThat(eventually(() -> kept.file.fixedSlot() >= 0)).as("installed after its second read").isTrue();
                assertThat(table.slotsInUse()).isEqualTo(1);
                assertThat(contents(kept)).isEqualTo("kept in a slot");
                kept.release();
                // replaced: the kept file is dropped, closed, and its slot cleared
                renameOver(f, "a new file, also");
                OpenFiles.Lease fresh = open(files, f);
                assertThat(contents(fresh)).isEqualTo("a new file, also");
                fresh.release();
                assertThat(eventually(() -> !kept.file.isOpen() && table.slotsInUse() == 0)).isTrue();
            }
            assertThat(eventually(() -> table.slotsInUse() == 0)).isTrue();
            assertThat(eventually(() -> {
                try {
                    return openFds() == before;
                } catch (java.io.IOException e) {
                    return false;
                }
            })).as("no fd left").isTrue();
        }
    }
}
