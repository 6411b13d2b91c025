/**
 * {@link dev.uring.nio.UringAsynchronousFileChannel}, an {@code AsynchronousFileChannel} on io_uring,
 * and {@link dev.uring.nio.UringFileSystemProvider}, the default-provider wrapper that makes every
 * {@code AsynchronousFileChannel.open} of the JVM return it.
 */
@NullMarked
package dev.uring.nio;

import org.jspecify.annotations.NullMarked;
