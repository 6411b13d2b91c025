/**
 * JMH benchmarks of uring-reactor (issue 5) against its peers: 4 KiB random reads of the hot 1 GiB
 * file through {@link dev.uring.reactor.file.ReactiveFile#read(java.nio.ByteBuffer, long)} Monos next to
 * {@link java.nio.channels.AsynchronousFileChannel} and {@link java.nio.channels.FileChannel}, and a
 * sequential read of the whole file through {@link dev.uring.reactor.file.ReactiveFile#readAll(int, int)}
 * next to Spring's {@code DataBufferUtils.read}. {@code benchmarks/run-reactor.sh} runs them
 * interleaved with fio.
 */
@NullMarked
package dev.uring.benchmarks.reactor;

import org.jspecify.annotations.NullMarked;
