/**
 * JMH benchmarks of reactive-uring against its peers: NOP round trips through the core
 * {@link dev.uring.core.Ring} and through an {@link dev.uring.core.loop.EventLoop}, and 4 KiB random
 * reads of a 1 GiB file through a ring, {@link java.nio.channels.FileChannel} and
 * {@link java.nio.channels.AsynchronousFileChannel}. {@code benchmarks/run-core.sh} runs them next to
 * the C liburing and fio baselines.
 */
@NullMarked
package dev.uring.benchmarks;

import org.jspecify.annotations.NullMarked;
