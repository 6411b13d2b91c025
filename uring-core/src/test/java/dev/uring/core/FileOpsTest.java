package dev.uring.core;

import static dev.uring.core.TestRing.one;
import static dev.uring.core.TestRing.openat;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.uring.core.TestRing.Cqe;
import dev.uring.core.ffi.Errno;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** File ops on a real ring against real files in a temporary directory. */
@Timeout(30)
class FileOpsTest {
    @TempDir
    Path dir;
    private Ring ring;
    private Arena arena;
    private long fdsBefore;

    @BeforeEach
    void open() throws Exception {
        fdsBefore = TestRing.fdCount();
        ring = TestRing.open(16);
        arena = Arena.ofConfined();
    }

    @AfterEach
    void close() throws Exception {
        ring.close();
        arena.close();
        assertThat(TestRing.fdCount()).as("fds after the test").isEqualTo(fdsBefore);
    }

    private MemorySegment text(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        MemorySegment seg = arena.allocate(b.length);
        seg.copyFrom(MemorySegment.ofArray(b));
        return seg;
    }

    private int create(String name) throws Exception {
        return openat(ring, arena, dir.resolve(name).toString(), OpenFlags.O_RDWR | OpenFlags.O_CREAT, 0644);
    }

    @Test
    void nopCompletesWithZeroAndItsUserData() throws Exception {
        ring.nextSqe().prepNop().userData(42);
        Cqe c = one(ring);
        assertThat(c.userData()).isEqualTo(42);
        assertThat(c.res()).isZero();
    }

    @Test
    void writeThenReadRoundTripsBytesAtAnOffset() throws Exception {
        int fd = create("rw");
        ring.nextSqe().prepWrite(fd, text("hello uring"), 3).userData(1);
        assertThat(one(ring).res()).isEqualTo(11);
        MemorySegment buf = arena.allocate(11);
        ring.nextSqe().prepRead(fd, buf, 3).userData(2);
        assertThat(one(ring).res()).isEqualTo(11);
        assertThat(TestRing.string(buf, 11)).isEqualTo("hello uring");
        assertThat(Files.size(dir.resolve("rw"))).isEqualTo(14);
        TestRing.close(ring, fd);
    }

    @Test
    void writevGathersAndReadvScatters() throws Exception {
        int fd = create("vec");
        IoVecs out = IoVecs.of(arena, List.of(text("abc"), text("defgh")));
        ring.nextSqe().prepWritev(fd, out, 0).userData(1);
        assertThat(one(ring).res()).isEqualTo(8);
        MemorySegment a = arena.allocate(5);
        MemorySegment b = arena.allocate(3);
        ring.nextSqe().prepReadv(fd, IoVecs.of(arena, List.of(a, b)), 0).userData(2);
        assertThat(one(ring).res()).isEqualTo(8);
        assertThat(TestRing.string(a, 5)).isEqualTo("abcde");
        assertThat(TestRing.string(b, 3)).isEqualTo("fgh");
        assertThat(Files.readString(dir.resolve("vec"))).isEqualTo("abcdefgh");
        TestRing.close(ring, fd);
    }

    @Test
    void fixedBuffersWriteAndReadThroughRegisteredMemory() throws Exception {
        MemorySegment reg = arena.allocate(4096, 4096);
        ring.registerBuffers(reg);
        int fd = create("fixed");
        MemorySegment src = reg.asSlice(0, 5);
        src.copyFrom(text("fixed"));
        ring.nextSqe().prepWriteFixed(fd, src, 0, 0).userData(1);
        assertThat(one(ring).res()).isEqualTo(5);
        MemorySegment dst = reg.asSlice(100, 5);
        ring.nextSqe().prepReadFixed(fd, dst, 0, 0).userData(2);
        assertThat(one(ring).res()).isEqualTo(5);
        assertThat(TestRing.string(dst, 5)).isEqualTo("fixed");
        ring.unregisterBuffers();
        TestRing.close(ring, fd);
    }

    @Test
    void openatOpensAnExistingFileForReading() throws Exception {
        Files.writeString(dir.resolve("existing"), "content");
        int fd = openat(ring, arena, dir.resolve("existing").toString(), OpenFlags.O_RDONLY, 0);
        MemorySegment buf = arena.allocate(7);
        ring.nextSqe().prepRead(fd, buf, 0).userData(1);
        assertThat(one(ring).res()).isEqualTo(7);
        assertThat(TestRing.string(buf, 7)).isEqualTo("content");
        TestRing.close(ring, fd);
    }

    @Test
    void openat2OpensBeneathItsDirectoryAndRefusesDotDotWithExdev() throws Exception {
        Files.createDirectory(dir.resolve("jail"));
        Files.writeString(dir.resolve("jail/in"), "x");
        Files.writeString(dir.resolve("x"), "outside");
        int dirfd = openat(ring, arena, dir.resolve("jail").toString(), OpenFlags.O_RDONLY | OpenFlags.O_DIRECTORY, 0);
        MemorySegment how = OpenHow.allocate(arena, OpenFlags.O_RDONLY | OpenFlags.O_CLOEXEC, 0, OpenHow.RESOLVE_BENEATH);
        ring.nextSqe().prepOpenat2(dirfd, arena.allocateFrom("in"), how).userData(1);
        int fd = one(ring).res();
        assertThat(fd).isGreaterThanOrEqualTo(0);
        ring.nextSqe().prepOpenat2(dirfd, arena.allocateFrom("../x"), how).userData(2);
        assertThat(one(ring).res()).isEqualTo(-Errno.EXDEV);
        TestRing.close(ring, fd);
        TestRing.close(ring, dirfd);
    }

    @Test
    void closeDirectEmptiesAFixedSlotOpenedDirect() throws Exception {
        Files.writeString(dir.resolve("d"), "direct");
        ring.registerFilesSparse(4);
        ring.nextSqe().prepOpenatDirect(AtFlags.FDCWD, arena.allocateFrom(dir.resolve("d").toString()),
                OpenFlags.O_RDONLY, 0, 2).userData(1);
        assertThat(one(ring).res()).as("direct open res").isZero();
        MemorySegment buf = arena.allocate(6);
        ring.nextSqe().prepRead(2, buf, 0).flags(SqeFlags.FIXED_FILE).userData(2);
        assertThat(one(ring).res()).isEqualTo(6);
        assertThat(TestRing.string(buf, 6)).isEqualTo("direct");
        ring.nextSqe().prepCloseDirect(2).userData(3);
        assertThat(one(ring).res()).isZero();
        ring.nextSqe().prepRead(2, buf, 0).flags(SqeFlags.FIXED_FILE).userData(4);
        assertThat(one(ring).res()).isEqualTo(-Errno.EBADF);
    }

    @Test
    void statxReportsSizeAndType() throws Exception {
        Files.writeString(dir.resolve("s"), "12345");
        MemorySegment st = Statx.allocateBuffer(arena);
        ring.nextSqe().prepStatx(AtFlags.FDCWD, arena.allocateFrom(dir.resolve("s").toString()), 0, Statx.BASIC_STATS, st)
                .userData(1);
        assertThat(one(ring).res()).isZero();
        Statx s = Statx.read(st);
        assertThat(s.size()).isEqualTo(5);
        assertThat(s.isRegularFile()).isTrue();
        assertThat(s.isDirectory()).isFalse();
    }

    @Test
    void statxReportsWhatTheJdkSeesOfInodeTimesAndDevice() throws Exception {
        Path f = dir.resolve("ids");
        Files.writeString(f, "abc");
        MemorySegment st = Statx.allocateBuffer(arena);
        ring.nextSqe().prepStatx(AtFlags.FDCWD, arena.allocateFrom(f.toString()), 0, Statx.BASIC_STATS, st).userData(1);
        assertThat(one(ring).res()).isZero();
        Statx s = Statx.read(st);
        assertThat(s.inode()).isEqualTo((long) Files.getAttribute(f, "unix:ino"));
        assertThat(s.lastModified()).isEqualTo(((FileTime) Files.getAttribute(f, "unix:lastModifiedTime")).toInstant());
        assertThat(s.lastChanged()).isEqualTo(((FileTime) Files.getAttribute(f, "unix:ctime")).toInstant());
        // the JDK gives glibc's dev_t encoding: major in bits 8-19 and 32-63, minor in bits 0-7 and 12-31
        long dev = (long) Files.getAttribute(f, "unix:dev");
        long major = ((dev >>> 8) & 0xfff) | ((dev >>> 32) & ~0xfffL);
        long minor = (dev & 0xff) | ((dev >>> 12) & ~0xffL);
        assertThat(s.device()).isEqualTo(major << 32 | minor);
    }

    @Test
    void fsyncAndDatasyncSucceedOnAWrittenFile() throws Exception {
        int fd = create("sync");
        ring.nextSqe().prepWrite(fd, text("data"), 0).userData(1);
        assertThat(one(ring).res()).isEqualTo(4);
        ring.nextSqe().prepFsync(fd, false).userData(2);
        assertThat(one(ring).res()).isZero();
        ring.nextSqe().prepFsync(fd, true).userData(3);
        assertThat(one(ring).res()).isZero();
        TestRing.close(ring, fd);
    }

    @Test
    void fallocateGrowsTheFile() throws Exception {
        int fd = create("size");
        ring.nextSqe().prepFallocate(fd, 0, 0, 8192).userData(1);
        assertThat(one(ring).res()).isZero();
        assertThat(Files.size(dir.resolve("size"))).isEqualTo(8192);
        TestRing.close(ring, fd);
    }

    @Test
    void ftruncateShrinksTheFile() throws Exception {
        assumeTrue(KernelFeature.FTRUNCATE.isAvailable(), KernelFeature.FTRUNCATE::missing);
        int fd = create("size");
        Files.write(dir.resolve("size"), new byte[8192]);
        ring.nextSqe().prepFtruncate(fd, 100).userData(2);
        assertThat(one(ring).res()).isZero();
        assertThat(Files.size(dir.resolve("size"))).isEqualTo(100);
        TestRing.close(ring, fd);
    }

    @Test
    void mkdiratRenameatAndUnlinkatManageEntries() throws Exception {
        String d = dir.resolve("sub").toString();
        ring.nextSqe().prepMkdirat(AtFlags.FDCWD, arena.allocateFrom(d), 0755).userData(1);
        assertThat(one(ring).res()).isZero();
        assertThat(Files.isDirectory(dir.resolve("sub"))).isTrue();
        Files.writeString(dir.resolve("a"), "a");
        ring.nextSqe().prepRenameat(AtFlags.FDCWD, arena.allocateFrom(dir.resolve("a").toString()), AtFlags.FDCWD,
                arena.allocateFrom(dir.resolve("sub/b").toString()), 0).userData(2);
        assertThat(one(ring).res()).isZero();
        assertThat(Files.exists(dir.resolve("a"))).isFalse();
        assertThat(Files.readString(dir.resolve("sub/b"))).isEqualTo("a");
        ring.nextSqe().prepUnlinkat(AtFlags.FDCWD, arena.allocateFrom(dir.resolve("sub/b").toString()), 0).userData(3);
        assertThat(one(ring).res()).isZero();
        ring.nextSqe().prepUnlinkat(AtFlags.FDCWD, arena.allocateFrom(d), AtFlags.REMOVEDIR).userData(4);
        assertThat(one(ring).res()).isZero();
        assertThat(Files.exists(dir.resolve("sub"))).isFalse();
    }

    @Test
    void filesUpdateInstallsFdsIntoTheTableAndFixedFdInstallGivesThemBack() throws Exception {
        Files.writeString(dir.resolve("t"), "table");
        ring.registerFilesSparse(4);
        int fd = openat(ring, arena, dir.resolve("t").toString(), OpenFlags.O_RDONLY, 0);
        MemorySegment fds = arena.allocate(JAVA_INT, 1);
        fds.set(JAVA_INT, 0, fd);
        ring.nextSqe().prepFilesUpdate(fds, 1, 1).userData(1);
        assertThat(one(ring).res()).as("slots updated").isEqualTo(1);
        TestRing.close(ring, fd);
        MemorySegment buf = arena.allocate(5);
        ring.nextSqe().prepRead(1, buf, 0).flags(SqeFlags.FIXED_FILE).userData(2);
        assertThat(one(ring).res()).isEqualTo(5);
        assumeTrue(KernelFeature.FIXED_FD_INSTALL.isAvailable(), KernelFeature.FIXED_FD_INSTALL::missing);
        ring.nextSqe().prepFixedFdInstall(1, true).userData(3);
        int installed = one(ring).res();
        assertThat(installed).isGreaterThanOrEqualTo(0);
        buf.fill((byte) 0);
        ring.nextSqe().prepRead(installed, buf, 0).userData(4);
        assertThat(one(ring).res()).isEqualTo(5);
        assertThat(TestRing.string(buf, 5)).isEqualTo("table");
        TestRing.close(ring, installed);
        ring.unregisterFiles();
    }

    @Test
    void filesUpdateWithAllocPicksFreeSlotsAndWritesThemBack() throws Exception {
        Files.writeString(dir.resolve("alloc"), "alloc");
        ring.registerFilesSparse(4);
        int fd = openat(ring, arena, dir.resolve("alloc").toString(), OpenFlags.O_RDONLY, 0);
        MemorySegment fds = arena.allocate(JAVA_INT, 1);
        fds.set(JAVA_INT, 0, fd);
        ring.nextSqe().prepFilesUpdate(fds, 1, FileIndex.ALLOC).userData(1);
        assertThat(one(ring).res()).isEqualTo(1);
        int slot = fds.get(JAVA_INT, 0);
        assertThat(slot).isBetween(0, 3);
        TestRing.close(ring, fd);
        MemorySegment buf = arena.allocate(5);
        ring.nextSqe().prepRead(slot, buf, 0).flags(SqeFlags.FIXED_FILE).userData(2);
        assertThat(one(ring).res()).isEqualTo(5);
        assertThat(TestRing.string(buf, 5)).isEqualTo("alloc");
    }

    @Test
    void openatDirectWithAllocReturnsTheSlotItPicked() throws Exception {
        Files.writeString(dir.resolve("pick"), "pick");
        ring.registerFilesSparse(2);
        ring.nextSqe().prepOpenatDirect(AtFlags.FDCWD, arena.allocateFrom(dir.resolve("pick").toString()),
                OpenFlags.O_RDONLY, 0, FileIndex.ALLOC).userData(1);
        int slot = one(ring).res();
        assertThat(slot).isBetween(0, 1);
        MemorySegment buf = arena.allocate(4);
        ring.nextSqe().prepRead(slot, buf, 0).flags(SqeFlags.FIXED_FILE).userData(2);
        assertThat(one(ring).res()).isEqualTo(4);
    }

    @Test
    void spliceMovesFileBytesIntoAPipe() throws Exception {
        Files.writeString(dir.resolve("src"), "spliced!");
        int in = openat(ring, arena, dir.resolve("src").toString(), OpenFlags.O_RDONLY, 0);
        TestRing.Pipe p = TestRing.pipe(ring, arena, dir, "fifo");
        ring.nextSqe().prepSplice(in, 0, p.writeFd(), -1, 8, 0).userData(1);
        assertThat(one(ring).res()).isEqualTo(8);
        MemorySegment buf = arena.allocate(8);
        ring.nextSqe().prepRead(p.readFd(), buf, -1).userData(2);
        assertThat(one(ring).res()).isEqualTo(8);
        assertThat(TestRing.string(buf, 8)).isEqualTo("spliced!");
        TestRing.close(ring, in);
        TestRing.close(ring, p.readFd());
        TestRing.close(ring, p.writeFd());
    }

    @Test
    void readOfAFileEndReturnsZero() throws Exception {
        int fd = create("empty");
        MemorySegment buf = arena.allocate(4);
        ring.nextSqe().prepRead(fd, buf, 0).userData(1);
        assertThat(one(ring).res()).isZero();
        assertThat(buf.get(JAVA_BYTE, 0)).isZero();
        TestRing.close(ring, fd);
    }
}
