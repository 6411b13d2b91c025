package dev.uring.core;

import static dev.uring.core.TestRing.one;
import static dev.uring.core.TestRing.openat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.uring.core.ffi.Errno;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link FileCalls#readCached}, preadv2 with RWF_NOWAIT, against real files: what the page cache holds
 * comes back on the calling thread, what it does not is refused with EAGAIN instead of waited for.
 */
@Timeout(30)
class ReadCachedTest {
    private static final int POSIX_FADV_DONTNEED = 4;
    private static final int SIZE = 256 * 1024;
    @TempDir
    Path dir;
    private Ring ring;
    private Arena arena;
    private byte[] content;
    private int fd;

    @BeforeEach
    void open() throws Exception {
        ring = TestRing.open(8);
        arena = Arena.ofConfined();
        content = new byte[SIZE];
        new Random(17).nextBytes(content);
        Path file = dir.resolve("data");
        Files.write(file, content);
        fd = openat(ring, arena, file.toString(), OpenFlags.O_RDONLY, 0);
    }

    @AfterEach
    void close() throws Exception {
        TestRing.close(ring, fd);
        ring.close();
        arena.close();
    }

    /** Skips the test where the kernel refuses RWF_NOWAIT reads of the file just written (its pages cached). */
    private void assumeNowaitReads() {
        long r = FileCalls.readCached(fd, arena.allocate(4096), 0);
        assumeTrue(r != -Errno.EOPNOTSUPP, "this file system has no RWF_NOWAIT buffered reads (FMODE_NOWAIT)");
    }

    @Test
    void cachedBytesAreReadOnTheCallingThread() {
        assumeNowaitReads();
        MemorySegment dst = arena.allocate(64 * 1024);
        long n = FileCalls.readCached(fd, dst, 4096);
        assertThat(n).isEqualTo(64 * 1024);
        assertThat(dst.toArray(java.lang.foreign.ValueLayout.JAVA_BYTE))
                .isEqualTo(java.util.Arrays.copyOfRange(content, 4096, 4096 + 64 * 1024));
    }

    @Test
    void atTheEndOfTheFileItReadsWhatIsLeftThenNothing() {
        assumeNowaitReads();
        MemorySegment dst = arena.allocate(8192);
        assertThat(FileCalls.readCached(fd, dst, SIZE - 100)).isEqualTo(100);
        assertThat(FileCalls.readCached(fd, dst, SIZE)).isZero();
        assertThat(FileCalls.readCached(fd, dst, SIZE + 1_000_000L)).isZero();
    }

    @Test
    void pagesNotCachedAreRefusedWithEagainNotWaitedFor() throws Exception {
        assumeNowaitReads();
        // written back, then dropped from the page cache (FADVISE DONTNEED drops clean pages only)
        ring.nextSqe().prepFsync(fd, false).userData(1);
        assertThat(one(ring).res()).as("FSYNC").isZero();
        ring.nextSqe().prepFadvise(fd, 0, 0, POSIX_FADV_DONTNEED).userData(2);
        assertThat(one(ring).res()).as("FADVISE DONTNEED").isZero();
        long r = FileCalls.readCached(fd, arena.allocate(4096), 128 * 1024);
        assumeTrue(r != 4096, "the file system keeps its pages cached after DONTNEED (tmpfs): no cold page to read");
        assertThat(r).isEqualTo(FileCalls.NOT_CACHED);
        // the ring reads it from the device; after that the page is cached
        MemorySegment viaRing = arena.allocate(4096);
        ring.nextSqe().prepRead(fd, viaRing, 128 * 1024).userData(3);
        assertThat(one(ring).res()).as("READ").isEqualTo(4096);
        MemorySegment again = arena.allocate(4096);
        assertThat(FileCalls.readCached(fd, again, 128 * 1024)).isEqualTo(4096);
        assertThat(again.mismatch(viaRing)).isEqualTo(-1L);
    }

    @Test
    void aBadFdComesBackAsItsErrnoNotAnException() {
        assertThat(FileCalls.readCached(-1, arena.allocate(16), 0)).isEqualTo(-Errno.EBADF);
    }

    @Test
    void heapMemoryAndANegativePositionAreRefusedNamingThem() {
        assertThatThrownBy(() -> FileCalls.readCached(fd, MemorySegment.ofArray(new byte[16]), 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("native memory");
        assertThatThrownBy(() -> FileCalls.readCached(fd, arena.allocate(16), -1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("position");
    }
}
