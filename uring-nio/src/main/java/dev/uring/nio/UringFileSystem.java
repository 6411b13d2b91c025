package dev.uring.nio;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.FileSystem;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.ProviderMismatchException;
import java.nio.file.WatchService;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The default file system as the wrapping provider reports it: the JDK's own, whose paths are
 * wrapped in {@link UringPath}s so that they name {@link UringFileSystemProvider} as their provider
 * (the JDK's {@code Files} and {@code AsynchronousFileChannel.open} ask a path's file system for its
 * provider). Everything else is the JDK's.
 */
final class UringFileSystem extends FileSystem {
    private final UringFileSystemProvider provider;
    private final FileSystem delegate;

    UringFileSystem(UringFileSystemProvider provider, FileSystem delegate) {
        this.provider = provider;
        this.delegate = delegate;
    }

    FileSystem delegate() {
        return delegate;
    }

    /** {@code p} (a path of the wrapped file system) as a path of this one. */
    Path wrap(Path p) {
        return p instanceof UringPath u && u.getFileSystem() == this ? p : new UringPath(this, p);
    }

    /**
     * The JDK's path for {@code p}: ours unwrapped, or one of the JDK's default file system as is
     * (a watch event's context, say).
     *
     * @throws ProviderMismatchException for a path of another file system
     */
    Path unwrap(Path p) {
        if (p instanceof UringPath u && u.getFileSystem() == this) {
            return u.delegate();
        }
        if (p.getFileSystem() == delegate) {
            return p;
        }
        throw new ProviderMismatchException("not a path of the default file system: " + p.getClass().getName());
    }

    /**
     * The JDK's path for a path of the default file system, whichever provider is installed (and
     * however many wrappers the {@code DefaultFileSystemProvider} list stacked).
     *
     * @throws ProviderMismatchException for a path of another file system (a zip file system, say)
     */
    static Path unwrapDefault(Path p) {
        while (p instanceof UringPath u) {
            p = u.delegate();
        }
        if (!"file".equalsIgnoreCase(p.getFileSystem().provider().getScheme())) {
            throw new ProviderMismatchException("not a path of the default file system: " + p.getClass().getName());
        }
        return p;
    }

    @Override
    public UringFileSystemProvider provider() {
        return provider;
    }

    @Override
    public void close() throws IOException {
        delegate.close();
    }

    @Override
    public boolean isOpen() {
        return delegate.isOpen();
    }

    @Override
    public boolean isReadOnly() {
        return delegate.isReadOnly();
    }

    @Override
    public String getSeparator() {
        return delegate.getSeparator();
    }

    @Override
    public Iterable<Path> getRootDirectories() {
        List<Path> roots = new ArrayList<>();
        for (Path r : delegate.getRootDirectories()) {
            roots.add(wrap(r));
        }
        return roots;
    }

    @Override
    public Iterable<FileStore> getFileStores() {
        return delegate.getFileStores();
    }

    @Override
    public Set<String> supportedFileAttributeViews() {
        return delegate.supportedFileAttributeViews();
    }

    @Override
    public Path getPath(String first, String... more) {
        return wrap(delegate.getPath(first, more));
    }

    @Override
    public PathMatcher getPathMatcher(String syntaxAndPattern) {
        PathMatcher m = delegate.getPathMatcher(syntaxAndPattern);
        return p -> m.matches(p instanceof UringPath u ? u.delegate() : p);
    }

    @Override
    public UserPrincipalLookupService getUserPrincipalLookupService() {
        return delegate.getUserPrincipalLookupService();
    }

    @Override
    public WatchService newWatchService() throws IOException {
        return delegate.newWatchService();
    }

    @Override
    public String toString() {
        return delegate.toString();
    }
}
