package dev.uring.core;

import static dev.uring.core.TestRing.one;
import static org.assertj.core.api.Assertions.assertThat;

import dev.uring.core.ffi.Errno;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Errors maps each errno to the exception a Java user expects, from real failing ops and directly. */
@Timeout(30)
class ErrorsTest {
    @TempDir
    Path dir;

    private static IOException fromOp(Ring ring, String op, String target) throws IOException {
        int res = one(ring).res();
        assertThat(res).as("%s on %s should fail", op, target).isNegative();
        return Errors.toException(res, op, target);
    }

    @Test
    void openingAMissingFileGivesNoSuchFileExceptionNamingThePath() throws Exception {
        String missing = dir.resolve("missing").toString();
        try (Ring ring = TestRing.open(4); Arena a = Arena.ofConfined()) {
            ring.nextSqe().prepOpenat(AtFlags.FDCWD, a.allocateFrom(missing), OpenFlags.O_RDONLY, 0).userData(1);
            IOException e = fromOp(ring, "OPENAT", missing);
            assertThat(e).isInstanceOf(NoSuchFileException.class);
            assertThat(((NoSuchFileException) e).getFile()).isEqualTo(missing);
            assertThat(e.getMessage()).contains(missing).contains("ENOENT");
        }
    }

    @Test
    void mkdirOfAnExistingDirectoryGivesFileAlreadyExists() throws Exception {
        try (Ring ring = TestRing.open(4); Arena a = Arena.ofConfined()) {
            ring.nextSqe().prepMkdirat(AtFlags.FDCWD, a.allocateFrom(dir.toString()), 0755).userData(1);
            IOException e = fromOp(ring, "MKDIRAT", dir.toString());
            assertThat(e).isInstanceOf(FileAlreadyExistsException.class).hasMessageContaining(dir.toString());
        }
    }

    @Test
    void openingBelowARegularFileGivesNotDirectory() throws Exception {
        Files.writeString(dir.resolve("file"), "x");
        String p = dir.resolve("file/child").toString();
        try (Ring ring = TestRing.open(4); Arena a = Arena.ofConfined()) {
            ring.nextSqe().prepOpenat(AtFlags.FDCWD, a.allocateFrom(p), OpenFlags.O_RDONLY, 0).userData(1);
            IOException e = fromOp(ring, "OPENAT", p);
            assertThat(e).isInstanceOf(NotDirectoryException.class).hasMessageContaining(p);
            assertThat(e.getCause()).isInstanceOf(UringException.class);
            assertThat(((UringException) e.getCause()).errno()).isEqualTo(Errno.ENOTDIR);
        }
    }

    @Test
    void removingANonEmptyDirectoryGivesDirectoryNotEmpty() throws Exception {
        Files.createDirectory(dir.resolve("full"));
        Files.writeString(dir.resolve("full/f"), "x");
        String p = dir.resolve("full").toString();
        try (Ring ring = TestRing.open(4); Arena a = Arena.ofConfined()) {
            ring.nextSqe().prepUnlinkat(AtFlags.FDCWD, a.allocateFrom(p), AtFlags.REMOVEDIR).userData(1);
            IOException e = fromOp(ring, "UNLINKAT", p);
            assertThat(e).isInstanceOf(DirectoryNotEmptyException.class).hasMessageContaining(p);
        }
    }

    @Test
    void connectingToAClosedLoopbackPortGivesConnectExceptionNamingTheAddress() throws Exception {
        int port = TestRing.freePort();
        InetSocketAddress target = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
        try (Ring ring = TestRing.open(4); Arena a = Arena.ofConfined()) {
            int fd = TestRing.socket(ring);
            ring.nextSqe().prepConnect(fd, SocketAddresses.allocate(a, target)).userData(1);
            IOException e = fromOp(ring, "CONNECT", target.toString());
            assertThat(e).isInstanceOf(ConnectException.class).hasMessageContaining(target.toString())
                    .hasMessageContaining("ECONNREFUSED");
            TestRing.close(ring, fd);
        }
    }

    @Test
    void readingABadFdGivesUringExceptionNamingErrnoOpAndTarget() throws Exception {
        try (Ring ring = TestRing.open(4); Arena a = Arena.ofConfined()) {
            ring.nextSqe().prepRead(999_999, a.allocate(4), 0).userData(1);
            IOException e = fromOp(ring, "READ", "fd 999999");
            assertThat(e).isExactlyInstanceOf(UringException.class)
                    .hasMessageContaining("EBADF").hasMessageContaining("READ").hasMessageContaining("fd 999999");
            UringException u = (UringException) e;
            assertThat(u.errno()).isEqualTo(Errno.EBADF);
            assertThat(u.errnoName()).isEqualTo("EBADF");
            assertThat(u.operation()).isEqualTo("READ");
            assertThat(u.target()).isEqualTo("fd 999999");
        }
    }

    @Test
    void everyMappedErrnoGivesItsExceptionTypeDirectly() {
        assertThat(Errors.toException(-Errno.ENOENT, "OPENAT", "/a")).isInstanceOf(NoSuchFileException.class)
                .hasMessageContaining("/a");
        assertThat(Errors.toException(Errno.EACCES, "OPENAT", "/b")).isInstanceOf(AccessDeniedException.class)
                .hasMessageContaining("/b").hasMessageContaining("EACCES");
        assertThat(Errors.toException(Errno.EPERM, "UNLINKAT", "/c")).isInstanceOf(AccessDeniedException.class)
                .hasMessageContaining("EPERM");
        assertThat(Errors.toException(Errno.EEXIST, "MKDIRAT", "/d")).isInstanceOf(FileAlreadyExistsException.class);
        assertThat(Errors.toException(Errno.ENOTDIR, "OPENAT", "/e")).isInstanceOf(NotDirectoryException.class);
        assertThat(Errors.toException(Errno.ENOTEMPTY, "UNLINKAT", "/f")).isInstanceOf(DirectoryNotEmptyException.class);
        for (int e : new int[] {Errno.EISDIR, Errno.ELOOP, Errno.ENAMETOOLONG, Errno.EROFS, Errno.EXDEV}) {
            assertThat(Errors.toException(e, "OPENAT2", "/g")).isExactlyInstanceOf(FileSystemException.class)
                    .hasMessageContaining(Errno.name(e));
        }
        assertThat(Errors.toException(Errno.ECONNREFUSED, "CONNECT", "/127.0.0.1:1"))
                .isInstanceOf(ConnectException.class).hasMessageContaining("127.0.0.1:1");
        assertThat(Errors.toException(Errno.EHOSTUNREACH, "CONNECT", "h:1")).isInstanceOf(NoRouteToHostException.class)
                .hasMessageContaining("h:1");
        assertThat(Errors.toException(Errno.ENETUNREACH, "CONNECT", "n:1")).isInstanceOf(NoRouteToHostException.class);
        assertThat(Errors.toException(Errno.EIO, "WRITE", "fd 3")).isExactlyInstanceOf(UringException.class)
                .hasMessageContaining("EIO").hasMessageContaining("WRITE").hasMessageContaining("fd 3");
        assertThat(Errors.toException(Errno.EAGAIN, "RECV", null)).isExactlyInstanceOf(UringException.class)
                .hasMessageContaining("EAGAIN").hasMessageContaining("RECV");
    }
}
