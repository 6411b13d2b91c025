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
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.reactivestreams.tck.TestEnvironment;

/**
 * What one verification class works on: a runtime of one loop, a temporary directory of real files,
 * and everything it opened, closed in reverse order by {@link #close()} (then the runtime, whose
 * close also closes any file a test left open, then the directory is deleted).
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

    Fixture() throws IOException {
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
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
