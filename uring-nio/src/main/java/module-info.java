/**
 * {@code java.nio} on io_uring, for code that was written against the JDK: an
 * {@link java.nio.channels.AsynchronousFileChannel} whose reads, writes, syncs and size queries are
 * io_uring ops on uring-core's per-core event loops, and a default
 * {@link java.nio.file.spi.FileSystemProvider} that hands it to every
 * {@code AsynchronousFileChannel.open} in the JVM
 * ({@code -Djava.nio.file.spi.DefaultFileSystemProvider=dev.uring.nio.UringFileSystemProvider}).
 * Needs neither Reactor nor Spring.
 */
module dev.uring.nio {
    requires dev.uring.core;
    requires static org.jspecify;

    exports dev.uring.nio;
}
