package dev.uring.nio;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** Counts this process's open fds, as /proc/self/fd lists them. */
final class Fds {
    private Fds() {
    }

    /**
     * The open fds a channel could leave behind: pipes (a child process's, closed when the JDK reaps
     * it, whenever that is) and jars (opened lazily by class loaders) are not counted.
     */
    static long open() throws IOException {
        try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
            return s.filter(fd -> {
                try {
                    String t = Files.readSymbolicLink(fd).toString();
                    return !t.startsWith("pipe:") && !t.endsWith(".jar");
                } catch (IOException e) {
                    return false; // the directory stream's own fd, gone by the time it is read
                }
            }).count();
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
