package dev.uring.core.files;

import dev.uring.core.Ring;
import dev.uring.core.RingOptions;
import dev.uring.core.ffi.Errno;
import dev.uring.core.ffi.IoUringCloneFiles;
import dev.uring.core.ffi.Native;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * The kernel's clone-files registration (seed 001), where the running kernel has one. Found by
 * behaviour, not by number: opcode 38 is claimed by two proposals, so a 0 answer counts only if
 * the destination then holds a table of exactly the source's size with the source's file in it.
 */
final class KernelCloneFiles {
    private static volatile int supported = -1;

    private KernelCloneFiles() {
    }

    /** Whether this kernel clones file tables (probed once on two scratch rings). */
    static boolean supported() {
        int s = supported;
        if (s < 0) {
            s = probe() ? 1 : 0;
            supported = s;
        }
        return s == 1;
    }

    private static boolean probe() {
        RingOptions plain = RingOptions.defaults().entries(2).setupHooks(false);
        int efd = Native.eventfd(0, Native.EFD_CLOEXEC);
        if (efd < 0) {
            return false;
        }
        try (Ring src = Ring.open(plain); Ring dst = Ring.open(plain)) {
            src.registerFilesSparse(3);
            src.updateFiles(1, efd);
            if (call(dst.fd(), src.fd(), 0, 0, 0, 0) != 0) {
                return false;
            }
            // the clone must have produced a 3-slot table: slot 2 updatable, slot 3 not
            dst.updateFiles(2, -1);
            try {
                dst.updateFiles(3, -1);
                return false;
            } catch (IOException expected) {
                // EINVAL past the end: the table has exactly the source's size
            }
            // and the destination now has a table: a second clone without DST_REPLACE is EBUSY
            return call(dst.fd(), src.fd(), 0, 0, 0, 0) == -Errno.EBUSY;
        } catch (IOException | RuntimeException e) {
            return false;
        } finally {
            Native.close(efd);
        }
    }

    /** io_uring_register(dst, CLONE_FILES, {src, flags, srcOff, dstOff, nr}): 0 or -errno. */
    static int call(int dstRingFd, int srcRingFd, int flags, int srcOff, int dstOff, int nr) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment arg = a.allocate(IoUringCloneFiles.SIZE, 8);
            IoUringCloneFiles.set(arg, srcRingFd, flags, srcOff, dstOff, nr);
            return IoUringCloneFiles.register(dstRingFd, IoUringCloneFiles.IORING_REGISTER_CLONE_FILES_CANDIDATE, arg);
        }
    }
}
