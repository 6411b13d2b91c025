package dev.uring.nio;

import static java.nio.file.StandardOpenOption.CREATE;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousFileChannel;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.ProviderMismatchException;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The wrapping provider built as the JDK builds it, around the default provider of the running JVM
 * (the JDK's own; in the run under the flag, the flag's wrapper, which the JDK would stack the same
 * way for a list of providers): its file system hands out paths that name it, {@code Files} works on
 * them through the provider inside, and only AsynchronousFileChannel changes.
 */
@Timeout(60)
class UringFileSystemProviderTest {
    @TempDir
    Path tmp;

    private final UringFileSystemProvider provider = new UringFileSystemProvider(FileSystems.getDefault().provider());
    private final FileSystem fs = provider.getFileSystem(URI.create("file:///"));

    /** The JDK's own provider, inside however many wrappers. */
    private static java.nio.file.spi.FileSystemProvider jdkProvider() {
        java.nio.file.spi.FileSystemProvider p = FileSystems.getDefault().provider();
        while (p instanceof UringFileSystemProvider u) {
            p = u.delegate();
        }
        return p;
    }

    private Path ours(Path jdk) {
        return fs.getPath(jdk.toString());
    }

    @Test
    void itsFileSystemAndPathsNameIt() {
        assertThat(provider.getScheme()).isEqualTo("file");
        assertThat(fs.provider()).isSameAs(provider);
        assertThat(provider.getFileSystem(URI.create("file:///"))).isSameAs(fs);
        Path p = ours(tmp);
        assertThat(p.getFileSystem()).isSameAs(fs);
        assertThat(p.getParent().getFileSystem()).isSameAs(fs);
        assertThat(p.getRoot().getFileSystem()).isSameAs(fs);
        assertThat(p.resolve("x").getFileSystem().provider()).isSameAs(provider);
        assertThat(fs.getRootDirectories()).allMatch(r -> r.getFileSystem() == fs);
        assertThat(fs.getSeparator()).isEqualTo("/");
        assertThat(provider.delegate()).isSameAs(FileSystems.getDefault().provider());
    }

    @Test
    void pathOperationsAreTheJdks() {
        Path a = fs.getPath("/a/b/../c/d.txt");
        Path jdk = Path.of("/a/b/../c/d.txt");
        assertThat(a.toString()).isEqualTo(jdk.toString());
        assertThat(a.normalize().toString()).isEqualTo("/a/c/d.txt");
        assertThat(a.getFileName().toString()).isEqualTo("d.txt");
        assertThat(a.getNameCount()).isEqualTo(5);
        assertThat(a.subpath(1, 3).toString()).isEqualTo("b/..");
        assertThat(a.startsWith(fs.getPath("/a"))).isTrue();
        assertThat(a.startsWith("/a/b")).isTrue();
        assertThat(a.endsWith("d.txt")).isTrue();
        assertThat(a.isAbsolute()).isTrue();
        assertThat(fs.getPath("/a").relativize(fs.getPath("/a/x/y")).toString()).isEqualTo("x/y");
        assertThat(fs.getPath("/a/x").resolveSibling("z").toString()).isEqualTo("/a/z");
        assertThat(fs.getPath("/a")).isEqualTo(fs.getPath("/a")).hasSameHashCodeAs(fs.getPath("/a"))
                .isNotEqualTo(Path.of("/a")).isNotEqualTo(jdkProvider().getPath(URI.create("file:///a")));
        assertThat(fs.getPath("/a").compareTo(fs.getPath("/b"))).isNegative();
        List<String> names = new ArrayList<>();
        fs.getPath("/a/b/c").forEach(n -> names.add(n.toString()));
        assertThat(names).containsExactly("a", "b", "c");
        URI uri = fs.getPath("/a b").toUri();
        assertThat(uri).isEqualTo(Path.of("/a b").toUri());
        assertThat(provider.getPath(uri)).isEqualTo(fs.getPath("/a b"));
        assertThat(fs.getPath("/a").toFile()).isEqualTo(new java.io.File("/a"));
        assertThat(fs.getPathMatcher("glob:**.txt").matches(a)).isTrue();
        assertThat(fs.getPath("rel").toAbsolutePath().getFileSystem()).isSameAs(fs);
        // a JDK path from the same default file system is accepted where a path is an argument
        assertThat(fs.getPath("/a").resolve(Path.of("b")).toString()).isEqualTo("/a/b");
    }

    @Test
    void filesWorksOnItsPaths() throws Exception {
        Path dir = ours(tmp);
        Path f = dir.resolve("f.txt");
        Files.writeString(f, "hello");
        assertThat(Files.readString(f)).isEqualTo("hello");
        assertThat(Files.exists(f)).isTrue();
        assertThat(Files.size(f)).isEqualTo(5);
        assertThat(Files.readAttributes(f, BasicFileAttributes.class).isRegularFile()).isTrue();
        assertThat(Files.readAttributes(f, PosixFileAttributes.class).permissions()).isNotEmpty();
        assertThat(Files.getAttribute(f, "size")).isEqualTo(5L);
        Path copy = Files.copy(f, dir.resolve("copy.txt"));
        Path moved = Files.move(copy, dir.resolve("moved.txt"), StandardCopyOption.ATOMIC_MOVE);
        assertThat(Files.isSameFile(moved, dir.resolve("moved.txt"))).isTrue();
        Path sub = Files.createDirectories(dir.resolve("s/t"));
        Files.createSymbolicLink(dir.resolve("link"), f);
        assertThat(Files.readSymbolicLink(dir.resolve("link"))).isEqualTo(f);
        assertThat(Files.isSymbolicLink(dir.resolve("link"))).isTrue();
        assertThat(Files.readString(dir.resolve("link"))).isEqualTo("hello");
        Path temp = Files.createTempFile(sub, "t", ".tmp");
        assertThat(temp.getFileSystem()).isSameAs(fs);
        try (Stream<Path> walk = Files.walk(dir)) {
            // dir, f.txt, moved.txt, s, s/t, the temp file, link
            assertThat(walk.filter(p -> p.getFileSystem() == fs).count()).isEqualTo(7);
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, p -> p.getFileName().toString().endsWith(".txt"))) {
            List<String> txt = new ArrayList<>();
            ds.forEach(p -> txt.add(p.getFileName().toString()));
            assertThat(txt).containsExactlyInAnyOrder("f.txt", "moved.txt");
        }
        try (FileChannel fc = FileChannel.open(f, READ)) {
            assertThat(fc.size()).isEqualTo(5);
        }
        assertThat(f.toRealPath().getFileSystem()).isSameAs(fs);
        assertThat(Files.notExists(dir.resolve("none"), LinkOption.NOFOLLOW_LINKS)).isTrue();
        Files.delete(temp);
        assertThat(Files.deleteIfExists(temp)).isFalse();
        try (FileSystem zip = FileSystems.newFileSystem(tmp.resolve("z.zip"), java.util.Map.of("create", "true"))) {
            assertThatThrownBy(() -> provider.checkAccess(zip.getPath("/y"))).isInstanceOf(ProviderMismatchException.class);
        }
    }

    @Test
    void onlyAsynchronousFileChannelChanges() throws Exception {
        Path f = ours(tmp).resolve("async");
        try (AsynchronousFileChannel ch = AsynchronousFileChannel.open(f, CREATE, READ, WRITE)) {
            assertThat(ch).isInstanceOf(UringAsynchronousFileChannel.class);
            ch.write(ByteBuffer.wrap("io_uring".getBytes()), 0).get();
        }
        assertThat(Files.readString(f)).isEqualTo("io_uring");
        try (FileChannel fc = FileChannel.open(f, READ)) {
            assertThat(fc.getClass().getName()).startsWith("sun.nio.ch.");
        }
        Path jdkPath = jdkProvider().getPath(tmp.resolve("async").toUri());
        try (AsynchronousFileChannel jdk = AsynchronousFileChannel.open(jdkPath, READ)) {
            assertThat(jdk).as("the JDK's own paths still get the JDK's channel").isNotInstanceOf(UringAsynchronousFileChannel.class);
        }
    }
}
