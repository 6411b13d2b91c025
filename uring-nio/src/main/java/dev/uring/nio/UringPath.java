package dev.uring.nio;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.Iterator;
import org.jspecify.annotations.Nullable;

/**
 * A path of the wrapping default file system: the JDK's own path inside, so that
 * {@link #getFileSystem()} (and so {@code Files}' choice of provider) answers the wrapper, while
 * every path operation is the JDK's.
 */
final class UringPath implements Path {
    private final UringFileSystem fs;
    private final Path delegate;

    UringPath(UringFileSystem fs, Path delegate) {
        this.fs = fs;
        this.delegate = delegate;
    }

    /** The JDK's path. */
    Path delegate() {
        return delegate;
    }

    private @Nullable Path wrapNullable(@Nullable Path p) {
        return p == null ? null : fs.wrap(p);
    }

    @Override
    public UringFileSystem getFileSystem() {
        return fs;
    }

    @Override
    public boolean isAbsolute() {
        return delegate.isAbsolute();
    }

    @Override
    public @Nullable Path getRoot() {
        return wrapNullable(delegate.getRoot());
    }

    @Override
    public @Nullable Path getFileName() {
        return wrapNullable(delegate.getFileName());
    }

    @Override
    public @Nullable Path getParent() {
        return wrapNullable(delegate.getParent());
    }

    @Override
    public int getNameCount() {
        return delegate.getNameCount();
    }

    @Override
    public Path getName(int index) {
        return fs.wrap(delegate.getName(index));
    }

    @Override
    public Path subpath(int beginIndex, int endIndex) {
        return fs.wrap(delegate.subpath(beginIndex, endIndex));
    }

    @Override
    public boolean startsWith(Path other) {
        return other.getFileSystem() == fs || other.getFileSystem() == delegate.getFileSystem()
                ? delegate.startsWith(fs.unwrap(other)) : false;
    }

    @Override
    public boolean startsWith(String other) {
        return delegate.startsWith(other);
    }

    @Override
    public boolean endsWith(Path other) {
        return other.getFileSystem() == fs || other.getFileSystem() == delegate.getFileSystem()
                ? delegate.endsWith(fs.unwrap(other)) : false;
    }

    @Override
    public boolean endsWith(String other) {
        return delegate.endsWith(other);
    }

    @Override
    public Path normalize() {
        return fs.wrap(delegate.normalize());
    }

    @Override
    public Path resolve(Path other) {
        return fs.wrap(delegate.resolve(fs.unwrap(other)));
    }

    @Override
    public Path resolve(String other) {
        return fs.wrap(delegate.resolve(other));
    }

    @Override
    public Path resolveSibling(Path other) {
        return fs.wrap(delegate.resolveSibling(fs.unwrap(other)));
    }

    @Override
    public Path resolveSibling(String other) {
        return fs.wrap(delegate.resolveSibling(other));
    }

    @Override
    public Path relativize(Path other) {
        return fs.wrap(delegate.relativize(fs.unwrap(other)));
    }

    @Override
    public URI toUri() {
        return delegate.toUri();
    }

    @Override
    public Path toAbsolutePath() {
        return fs.wrap(delegate.toAbsolutePath());
    }

    @Override
    public Path toRealPath(LinkOption... options) throws IOException {
        return fs.wrap(delegate.toRealPath(options));
    }

    /**
     * A {@link File} of the same name. Not the JDK path's {@code toFile}: that one refuses, under the
     * flag, because the JDK's file system is no longer the default one.
     */
    @Override
    public File toFile() {
        return new File(delegate.toString());
    }

    @Override
    public WatchKey register(WatchService watcher, WatchEvent.Kind<?>[] events, WatchEvent.Modifier... modifiers)
            throws IOException {
        return delegate.register(watcher, events, modifiers);
    }

    @Override
    public Iterator<Path> iterator() {
        Iterator<Path> it = delegate.iterator();
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return it.hasNext();
            }

            @Override
            public Path next() {
                return fs.wrap(it.next());
            }
        };
    }

    @Override
    public int compareTo(Path other) {
        return delegate.compareTo(fs.unwrap(other));
    }

    @Override
    public boolean equals(@Nullable Object o) {
        return o instanceof UringPath p && p.fs == fs && p.delegate.equals(delegate);
    }

    @Override
    public int hashCode() {
        return delegate.hashCode();
    }

    @Override
    public String toString() {
        return delegate.toString();
    }
}
