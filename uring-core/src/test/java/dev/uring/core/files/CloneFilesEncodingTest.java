package dev.uring.core.files;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.uring.core.Ring;
import dev.uring.core.RingOptions;
import dev.uring.core.ffi.Errno;
import dev.uring.core.ffi.IoUringCloneFiles;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

/** The kernel clone-files path: the struct it sends, and how it is detected. */
class CloneFilesEncodingTest {
    @Test
    void structIoUringCloneFilesIsEncodedAsTheUapiLaysItOut() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment s = a.allocate(IoUringCloneFiles.SIZE);
            s.fill((byte) 0xff);
            IoUringCloneFiles.set(s, 7, IoUringCloneFiles.IORING_REGISTER_DST_REPLACE, 3, 5, 9);
            assertThat(IoUringCloneFiles.SIZE).isEqualTo(32);
            assertThat(s.get(JAVA_INT, 0)).isEqualTo(7);
            assertThat(s.get(JAVA_INT, 4)).isEqualTo(2);
            assertThat(s.get(JAVA_INT, 8)).isEqualTo(3);
            assertThat(s.get(JAVA_INT, 12)).isEqualTo(5);
            assertThat(s.get(JAVA_INT, 16)).isEqualTo(9);
            for (int i = 20; i < 32; i++) {
                assertThat(s.get(JAVA_BYTE, i)).as("pad byte %d", i).isZero();
            }
            assertThat(IoUringCloneFiles.IORING_REGISTER_SRC_REGISTERED).isEqualTo(1);
        }
    }

    @Test
    void kernelPathIsTakenOnlyWhenTheKernelBehavesLikeCloneFiles() throws Exception {
        boolean supported = FixedFileTable.kernelCloneFilesSupported();
        RingOptions plain = RingOptions.defaults().entries(2).setupHooks(false);
        try (Ring src = Ring.open(plain); Ring dst = Ring.open(plain)) {
            src.registerFilesSparse(2);
            int r = KernelCloneFiles.call(dst.fd(), src.fd(), 0, 0, 0, 0);
            if (supported) {
                assertThat(r).isZero();
            } else {
                // Linux 6.18 has no clone-files registration: opcode 38 answers EINVAL
                assertThat(r).isNegative();
                assertThat(-r).isIn(Errno.EINVAL, Errno.EOPNOTSUPP, Errno.EBUSY, Errno.ENXIO);
            }
        }
    }
}
