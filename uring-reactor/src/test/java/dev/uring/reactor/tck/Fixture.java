package dev.uring.reactor.tck;

import dev.uring.reactor.ReactiveFile;
import dev.uring.reactor.Uring;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.tck.TestEnvironment;

/**
 * What one verification class works on: a runtime of one loop, a temporary directory of real files,
 * and everything it opened, closed in reverse order by {@link #close()} (then the runtime, whose
 * close also closes any file or socket a test left open, then the directory is deleted). Its close
 * fails when a ring, socket, eventfd or file of the directory opened meanwhile is still open.
 */
final class Fixture implements AutoCloseable {
    /** The longest a fixture step (an open, a connect, a close) may take. */
    static final Duration WAIT = Duration.ofSeconds(10);
    /** Signals are awaited this long; a busy 2-core box answers well within it. */
    static final long SIGNAL_TIMEOUT_MS = 2000;
    /** Each "no further signal" check waits this long: it is the suite's main cost. */
    static final long NO_SIGNAL_TIMEOUT_MS = 100;
    /** How long after a cancel a publisher may still hold its subscriber (rule 3.13). */
    static final long GC_TIMEOUT_MS = 300;

    final Uring uring;
    final Path dir;
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private final AtomicInteger names = new AtomicInteger();

    private final Set<String> fdsBefore;

    static {
        // the loops' process-wide wake-up ring opens on the first wake-up of a sleeping loop and
        // stays open for good: open it before any fixture counts its fds
        try (Uring u = Uring.create(1)) {
            Thread.sleep(50);
            u.nop(0).block(WAIT);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    Fixture() throws IOException {
        fdsBefore = ownFds(null);
        uring = Uring.create(1);
        dir = Files.createTempDirectory("uring-tck");
    }

    /** The TCK's environment with this suite's timeouts. */
    static TestEnvironment env() {
        return new TestEnvironment(SIGNAL_TIMEOUT_MS, NO_SIGNAL_TIMEOUT_MS);
    }

    /** A runtime that is already closed: every op on it is refused at subscription. */
    static Uring closedRuntime() throws IOException {
        Uring u = Uring.create(1);
        u.close();
        return u;
    }

    /** A fresh path in the directory, not created. */
    Path newPath() {
        return dir.resolve("f" + names.incrementAndGet());
    }

    /** A new file of {@code size} bytes, byte i being {@code (byte) i}. */
    Path file(int size) throws IOException {
        byte[] b = new byte[size];
        for (int i = 0; i < size; i++) {
            b[i] = (byte) i;
        }
        return Files.write(newPath(), b);
    }

    /** A new sparse file of {@code size} bytes (reads as zeros; takes no space). */
    Path sparseFile(long size) throws IOException {
        Path p = newPath();
        try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "rw")) {
            f.setLength(size);
        }
        return p;
    }

    /** Opens {@code path} on the runtime; closed by {@link #close()}. */
    ReactiveFile open(Path path, OpenOption... options) {
        ReactiveFile f = ReactiveFile.open(uring, path, options).block(WAIT);
        closeables.add(() -> f.close().block(WAIT));
        return f;
    }

    /** A file that was opened and closed: its ops are refused at subscription. */
    ReactiveFile closedFile() throws IOException {
        ReactiveFile f = ReactiveFile.open(uring, file(16)).block(WAIT);
        f.close().block(WAIT);
        return f;
    }

    /** Registers {@code c} to be closed by {@link #close()}; returns it. */
    synchronized <C extends AutoCloseable> C closing(C c) {
        closeables.add(c);
        return c;
    }

    @Override
    public void close() throws Exception {
        Exception first = null;
        List<AutoCloseable> all;
        synchronized (this) {
            all = new ArrayList<>(closeables);
            closeables.clear();
        }
        for (int i = all.size() - 1; i >= 0; i--) {
            try {
                all.get(i).close();
            } catch (Exception e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        uring.close();
        Set<String> left = leftBehind();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
        if (first != null) {
            throw first;
        }
        if (!left.isEmpty()) {
            throw new AssertionError("fds left open by the verification: " + left);
        }
    }

    /**
     * The rings, sockets, eventfds and files of the directory still open that were not open before
     * this fixture, after waiting up to 5 s for closes in flight (a CLOSE completes on the loop).
     */
    private Set<String> leftBehind() throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (true) {
            Set<String> now = ownFds(dir.toString());
            now.removeAll(fdsBefore);
            if (now.isEmpty() || System.nanoTime() > deadline) {
                return now;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return now;
            }
        }
    }

    /** "fd -> target" of this process's io_uring, eventfd and socket fds, and of files under {@code dir}. */
    private static Set<String> ownFds(@Nullable String dir) throws IOException {
        Set<String> fds = new TreeSet<>();
        try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : s.toList()) {
                String target;
                try {
                    target = Files.readSymbolicLink(fd).toString();
                } catch (IOException e) {
                    continue; // closed meanwhile (the listing's own fd among them)
                }
                if (target.startsWith("socket:") || target.startsWith("anon_inode:[io_uring]")
                        || target.startsWith("anon_inode:[eventfd]") || (dir != null && target.startsWith(dir))) {
                    fds.add(fd.getFileName() + " -> " + target);
                }
            }
        }
        return fds;
    }
}
