package dev.uring.nio;

import static java.nio.file.StandardOpenOption.CREATE;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedWriter;
import java.io.File;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousFileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs in a JVM started with
 * {@code -Djava.nio.file.spi.DefaultFileSystemProvider=dev.uring.nio.UringFileSystemProvider} (the
 * surefire execution "under-flag"; the plain run leaves these tests out): every
 * {@code AsynchronousFileChannel.open} of the JVM is ours, and the rest of {@code java.nio.file}
 * (JUnit's and surefire's own file handling included) keeps working.
 */
@Timeout(120)
class ProviderUnderFlagTest {
    @TempDir
    Path tmp;

    @Test
    void theDefaultProviderIsTheWrapper() {
        assertThat(System.getProperty("java.nio.file.spi.DefaultFileSystemProvider"))
                .isEqualTo(UringFileSystemProvider.class.getName());
        assertThat(FileSystems.getDefault().provider()).isInstanceOf(UringFileSystemProvider.class);
        assertThat(Path.of("/tmp").getFileSystem()).isSameAs(FileSystems.getDefault());
        assertThat(tmp.getFileSystem().provider()).isInstanceOf(UringFileSystemProvider.class);
        assertThat(new File("/tmp").toPath().getFileSystem()).isSameAs(FileSystems.getDefault());
    }

    @Test
    void asynchronousFileChannelOpenIsOurs() throws Exception {
        Path f = tmp.resolve("a");
        try (AsynchronousFileChannel ch = AsynchronousFileChannel.open(f, CREATE, READ, WRITE)) {
            assertThat(ch).isInstanceOf(UringAsynchronousFileChannel.class);
            assertThat(ch.write(ByteBuffer.wrap("flag".getBytes()), 0).get()).isEqualTo(4);
        }
        try (AsynchronousFileChannel ch = AsynchronousFileChannel.open(new File(f.toString()).toPath())) {
            assertThat(ch).isInstanceOf(UringAsynchronousFileChannel.class);
            assertThat(ch.size()).isEqualTo(4);
        }
        assertThat(Files.readString(f)).isEqualTo("flag");
    }

    @Test
    void filesKeepsWorking() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("d/e"));
        Path f = dir.resolve("lines.txt");
        try (BufferedWriter w = Files.newBufferedWriter(f)) {
            w.write("one\ntwo\nthree\n");
        }
        assertThat(Files.readAllLines(f)).containsExactly("one", "two", "three");
        try (Stream<String> lines = Files.lines(f)) {
            assertThat(lines.count()).isEqualTo(3);
        }
        try (InputStream in = Files.newInputStream(f)) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).startsWith("one");
        }
        Path copy = Files.copy(f, tmp.resolve("copy.txt"));
        assertThat(Files.mismatch(f, copy)).isEqualTo(-1);
        Files.copy(new java.io.ByteArrayInputStream(new byte[] {1, 2}), tmp.resolve("s.bin"));
        assertThat(Files.size(tmp.resolve("s.bin"))).isEqualTo(2);
        Files.move(copy, dir.resolve("moved.txt"));
        AtomicInteger files = new AtomicInteger();
        Files.walkFileTree(tmp, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                files.incrementAndGet();
                return FileVisitResult.CONTINUE;
            }
        });
        assertThat(files.get()).isEqualTo(3);
        try (Stream<Path> found = Files.find(tmp, 5, (p, a) -> p.toString().endsWith(".txt"))) {
            assertThat(found.map(p -> p.getFileName().toString()).toList()).containsExactlyInAnyOrder("lines.txt", "moved.txt");
        }
        Path temp = Files.createTempFile("under-flag", ".tmp");
        assertThat(Files.exists(temp)).isTrue();
        Files.delete(temp);
        assertThat(Path.of(f.toUri())).isEqualTo(f);
        assertThat(f.toFile().length()).isEqualTo(14);
        assertThat(Files.isSameFile(f, Path.of(f.toString()))).isTrue();
        assertThat(Files.getLastModifiedTime(f)).isNotNull();
        assertThat(Files.probeContentType(f)).isNotNull();
    }

    @Test
    void aWatchServiceSeesChanges() throws Exception {
        try (WatchService ws = FileSystems.getDefault().newWatchService()) {
            WatchKey key = tmp.register(ws, StandardWatchEventKinds.ENTRY_CREATE);
            Files.writeString(tmp.resolve("new.txt"), "x");
            WatchKey got = ws.poll(10, TimeUnit.SECONDS);
            assertThat(got).isNotNull();
            List<Path> contexts = got.pollEvents().stream().map(e -> (Path) e.context()).toList();
            assertThat(contexts).extracting(Path::toString).contains("new.txt");
            // an event's context (the JDK's path) resolves against our path
            assertThat(tmp.resolve(contexts.get(0))).exists();
            key.cancel();
        }
    }
}
