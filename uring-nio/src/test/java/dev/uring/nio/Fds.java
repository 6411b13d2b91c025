package dev.uring.nio;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** Counts this process's open fds, as /proc/self/fd lists them. */
final class Fds {
    private Fds() {
    }

    static long open() throws IOException {
        try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
            return s.count() - 1; // the directory stream's own fd
        }
    }

    /** Whether some fd of this process points at {@code file}. */
    static boolean anyOpenOn(Path file) throws IOException {
        String target = file.toAbsolutePath().toString();
        try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
            return s.anyMatch(fd -> {
                try {
                    return Files.readSymbolicLink(fd).toString().startsWith(target);
                } catch (IOException e) {
                    return false;
                }
            });
        }
    }
}
