package dev.uring.benchmarks;

import dev.uring.core.OpenFlags;
import java.io.IOException;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * Turns O_DIRECT on for file descriptors this process already has open on a file
 * ({@code fcntl(fd, F_SETFL, flags | O_DIRECT)}, which Linux allows on an open file): the way the
 * O_DIRECT benchmarks give a file opened through an API without an O_DIRECT option (ReactiveFile.open)
 * the same open file description flags as fio's {@code direct=1}. Benchmarks only.
 */
public final class DirectIo {
    private static final int F_GETFL = 3;
    private static final int F_SETFL = 4;
    private static final MethodHandle FCNTL = Linker.nativeLinker().downcallHandle(
            Linker.nativeLinker().defaultLookup().find("fcntl").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT),
            Linker.Option.firstVariadicArg(2));

    private DirectIo() {
    }

    /**
     * Sets O_DIRECT on every fd of this process open on {@code file} (found in /proc/self/fd) and
     * returns how many; fails when there is none or the kernel refuses.
     */
    public static int setOnOpenFds(Path file) throws IOException {
        Path real = file.toRealPath();
        int n = 0;
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            for (Path link : fds.toList()) {
                Path target;
                try {
                    target = Files.readSymbolicLink(link);
                } catch (IOException e) {
                    continue; // closed meanwhile (the listing's own fd)
                }
                if (!target.equals(real)) {
                    continue;
                }
                int fd = Integer.parseInt(link.getFileName().toString());
                try {
                    int flags = (int) FCNTL.invokeExact(fd, F_GETFL, 0);
                    if (flags < 0 || (int) FCNTL.invokeExact(fd, F_SETFL, flags | OpenFlags.O_DIRECT) < 0
                            || ((int) FCNTL.invokeExact(fd, F_GETFL, 0) & OpenFlags.O_DIRECT) == 0) {
                        throw new IOException("fcntl(" + fd + ", F_SETFL, O_DIRECT) failed on " + real);
                    }
                } catch (IOException | RuntimeException | Error e) {
                    throw e;
                } catch (Throwable t) {
                    throw new IllegalStateException(t);
                }
                n++;
            }
        }
        if (n == 0) {
            throw new IOException("no open fd on " + real);
        }
        return n;
    }
}
