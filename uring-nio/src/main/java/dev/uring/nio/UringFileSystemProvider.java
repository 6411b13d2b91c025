package dev.uring.nio;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.channels.AsynchronousFileChannel;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.AccessMode;
import java.nio.file.CopyOption;
import java.nio.file.DirectoryStream;
import java.nio.file.FileStore;
import java.nio.file.FileSystem;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.FileAttributeView;
import java.nio.file.spi.FileSystemProvider;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import org.jspecify.annotations.Nullable;

/**
 * A default {@link FileSystemProvider} that puts every {@code AsynchronousFileChannel.open} of the
 * JVM on io_uring: start the JVM with
 * {@code -Djava.nio.file.spi.DefaultFileSystemProvider=dev.uring.nio.UringFileSystemProvider}
 * (uring-nio and uring-core on the class path). The JDK then constructs it with its own default
 * provider, and it delegates everything to that provider unchanged except
 * {@link #newAsynchronousFileChannel}, which returns a {@link UringAsynchronousFileChannel} (or,
 * where io_uring is unavailable, the JDK's channel, said once in the log).
 *
 * <p>The JDK picks a provider by asking a path for its file system, and the JDK's paths name the
 * JDK's provider; so this provider's file system ({@code FileSystems.getDefault()}) wraps the JDK's
 * one and hands out paths that wrap the JDK's paths and name this provider. Each call unwraps its
 * paths and calls the JDK's provider. Differences a program can see: the paths are not the JDK's
 * classes ({@code sun.nio.fs.UnixPath}); a directory stream is a plain {@link DirectoryStream}, never
 * a {@link java.nio.file.SecureDirectoryStream}; watch keys and events report the JDK's paths.
 */
public final class UringFileSystemProvider extends FileSystemProvider {
    private final FileSystemProvider delegate;
    private volatile @Nullable UringFileSystem fileSystem;

    /**
     * The wrapper of {@code delegate}, the JDK's default provider: the constructor the JDK calls for
     * {@code -Djava.nio.file.spi.DefaultFileSystemProvider}. Touches no file system: the default one
     * is not yet there when the JDK calls it.
     */
    public UringFileSystemProvider(FileSystemProvider delegate) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
    }

    /** The provider this one wraps. */
    public FileSystemProvider delegate() {
        return delegate;
    }

    private UringFileSystem fs() {
        UringFileSystem f = fileSystem;
        if (f == null) {
            synchronized (this) {
                f = fileSystem;
                if (f == null) {
                    f = new UringFileSystem(this, delegate.getFileSystem(URI.create("file:///")));
                    fileSystem = f;
                }
            }
        }
        return f;
    }

    private Path unwrap(Path p) {
        return fs().unwrap(p);
    }

    // ------------------------------------------------------------------ the one change

    /**
     * An io_uring {@link UringAsynchronousFileChannel} for {@code path}; the JDK's channel where
     * io_uring is unavailable.
     */
    @Override
    public AsynchronousFileChannel newAsynchronousFileChannel(Path path, Set<? extends OpenOption> options,
            @Nullable ExecutorService executor, FileAttribute<?>... attrs) throws IOException {
        return UringAsynchronousFileChannel.open(unwrap(path), options, executor, attrs);
    }

    // ------------------------------------------------------------------ delegated unchanged

    @Override
    public String getScheme() {
        return delegate.getScheme();
    }

    @Override
    public FileSystem newFileSystem(URI uri, Map<String, ?> env) throws IOException {
        return delegate.newFileSystem(uri, env);
    }

    @Override
    public FileSystem getFileSystem(URI uri) {
        FileSystem f = delegate.getFileSystem(uri);
        UringFileSystem ours = fs();
        return f == ours.delegate() ? ours : f;
    }

    @Override
    public Path getPath(URI uri) {
        return fs().wrap(delegate.getPath(uri));
    }

    @Override
    public FileSystem newFileSystem(Path path, Map<String, ?> env) throws IOException {
        return delegate.newFileSystem(unwrap(path), env);
    }

    @Override
    public SeekableByteChannel newByteChannel(Path path, Set<? extends OpenOption> options, FileAttribute<?>... attrs)
            throws IOException {
        return delegate.newByteChannel(unwrap(path), options, attrs);
    }

    @Override
    public FileChannel newFileChannel(Path path, Set<? extends OpenOption> options, FileAttribute<?>... attrs)
            throws IOException {
        return delegate.newFileChannel(unwrap(path), options, attrs);
    }

    @Override
    public InputStream newInputStream(Path path, OpenOption... options) throws IOException {
        return delegate.newInputStream(unwrap(path), options);
    }

    @Override
    public OutputStream newOutputStream(Path path, OpenOption... options) throws IOException {
        return delegate.newOutputStream(unwrap(path), options);
    }

    @Override
    public DirectoryStream<Path> newDirectoryStream(Path dir, DirectoryStream.Filter<? super Path> filter)
            throws IOException {
        UringFileSystem f = fs();
        DirectoryStream<Path> entries = delegate.newDirectoryStream(unwrap(dir), p -> filter.accept(f.wrap(p)));
        return new DirectoryStream<>() {
            @Override
            public Iterator<Path> iterator() {
                Iterator<Path> it = entries.iterator();
                return new Iterator<>() {
                    @Override
                    public boolean hasNext() {
                        return it.hasNext();
                    }

                    @Override
                    public Path next() {
                        return f.wrap(it.next());
                    }
                };
            }

            @Override
            public void close() throws IOException {
                entries.close();
            }
        };
    }

    @Override
    public void createDirectory(Path dir, FileAttribute<?>... attrs) throws IOException {
        delegate.createDirectory(unwrap(dir), attrs);
    }

    @Override
    public void createSymbolicLink(Path link, Path target, FileAttribute<?>... attrs) throws IOException {
        delegate.createSymbolicLink(unwrap(link), unwrap(target), attrs);
    }

    @Override
    public void createLink(Path link, Path existing) throws IOException {
        delegate.createLink(unwrap(link), unwrap(existing));
    }

    @Override
    public void delete(Path path) throws IOException {
        delegate.delete(unwrap(path));
    }

    @Override
    public boolean deleteIfExists(Path path) throws IOException {
        return delegate.deleteIfExists(unwrap(path));
    }

    @Override
    public Path readSymbolicLink(Path link) throws IOException {
        return fs().wrap(delegate.readSymbolicLink(unwrap(link)));
    }

    @Override
    public void copy(Path source, Path target, CopyOption... options) throws IOException {
        delegate.copy(unwrap(source), unwrap(target), options);
    }

    @Override
    public void move(Path source, Path target, CopyOption... options) throws IOException {
        delegate.move(unwrap(source), unwrap(target), options);
    }

    @Override
    public boolean isSameFile(Path path, Path path2) throws IOException {
        return delegate.isSameFile(unwrap(path), unwrap(path2));
    }

    @Override
    public boolean isHidden(Path path) throws IOException {
        return delegate.isHidden(unwrap(path));
    }

    @Override
    public FileStore getFileStore(Path path) throws IOException {
        return delegate.getFileStore(unwrap(path));
    }

    @Override
    public void checkAccess(Path path, AccessMode... modes) throws IOException {
        delegate.checkAccess(unwrap(path), modes);
    }

    @Override
    public boolean exists(Path path, LinkOption... options) {
        return delegate.exists(unwrap(path), options);
    }

    @Override
    public <A extends BasicFileAttributes> @Nullable A readAttributesIfExists(Path path, Class<A> type,
            LinkOption... options) throws IOException {
        return delegate.readAttributesIfExists(unwrap(path), type, options);
    }

    @Override
    public <V extends FileAttributeView> @Nullable V getFileAttributeView(Path path, Class<V> type,
            LinkOption... options) {
        return delegate.getFileAttributeView(unwrap(path), type, options);
    }

    @Override
    public <A extends BasicFileAttributes> A readAttributes(Path path, Class<A> type, LinkOption... options)
            throws IOException {
        return delegate.readAttributes(unwrap(path), type, options);
    }

    @Override
    public Map<String, Object> readAttributes(Path path, String attributes, LinkOption... options)
            throws IOException {
        return delegate.readAttributes(unwrap(path), attributes, options);
    }

    @Override
    public void setAttribute(Path path, String attribute, Object value, LinkOption... options) throws IOException {
        delegate.setAttribute(unwrap(path), attribute, value, options);
    }
}
