package dev.uring.reactor.spring;

import dev.uring.reactor.Uring;
import dev.uring.reactor.file.ReactiveFile;
import dev.uring.reactor.op.CheckedSource;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Objects;
import org.reactivestreams.Publisher;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferFactory;
import org.springframework.core.io.buffer.DataBufferUtils;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Files as {@link DataBuffer} publishers over io_uring, the counterpart of Spring's
 * {@code DataBufferUtils.read(Path, ...)} and {@code DataBufferUtils.write(Publisher, Path, ...)}
 * without a thread pool.
 *
 * <p>Reads take their buffers from the given {@link DataBufferFactory} (pooled when the factory
 * pools, as Netty's does) and read into them in place when their memory is direct; the subscriber
 * owns each buffer it receives and must release it. Read-ahead is bounded by demand: at most
 * {@code depth} buffers are read beyond what the subscriber has consumed. Writes release every
 * buffer of the body once the kernel has written it. A cancelled read or write never hands a
 * buffer back while the kernel may still touch it: it waits for the op's completion.
 */
public final class UringDataBuffers {
    /** The buffer size of {@link #read(Uring, Path, DataBufferFactory)}: 64 KiB. */
    public static final int DEFAULT_BUFFER_SIZE = 64 * 1024;
    /** The read-ahead depth of {@link #read(Uring, Path, DataBufferFactory)}. */
    public static final int DEFAULT_DEPTH = 4;

    private static final OpenOption[] WRITE_DEFAULTS = {
        StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE};

    private UringDataBuffers() {
    }

    /** {@link #read(Uring, Path, DataBufferFactory, int, int)} with the default size and depth. */
    public static Flux<DataBuffer> read(Uring uring, Path path, DataBufferFactory factory) {
        return read(uring, path, factory, DEFAULT_BUFFER_SIZE, DEFAULT_DEPTH);
    }

    /**
     * Opens {@code path}, reads it whole in buffers of {@code bufferSize} bytes (the last may be
     * shorter) and closes it. The file is read as long as it was when opened (STATX); a file
     * that shrinks meanwhile fails the Flux with {@link java.io.EOFException}. A missing file
     * fails with {@link java.nio.file.NoSuchFileException}.
     *
     * @throws IllegalArgumentException when {@code bufferSize} or {@code depth} is not positive
     */
    public static Flux<DataBuffer> read(Uring uring, Path path, DataBufferFactory factory, int bufferSize, int depth) {
        Objects.requireNonNull(uring, "uring");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(factory, "factory");
        checkSizes(bufferSize, depth);
        return ReactiveFile.open(uring, path).flatMapMany(file -> file.size()
                .flatMapMany(size -> read(file, 0, size, factory, bufferSize, depth))
                .doFinally(s -> closeQuietly(file)));
    }

    /**
     * Reads {@code count} bytes of an open file from {@code position} in buffers of
     * {@code bufferSize} bytes, up to {@code depth} reads ahead of demand; does not close the
     * file. Fails with {@link java.io.EOFException} when the file ends before.
     *
     * @throws IllegalArgumentException when {@code position} or {@code count} is negative, or
     *     {@code bufferSize} or {@code depth} is not positive
     */
    public static Flux<DataBuffer> read(ReactiveFile file, long position, long count, DataBufferFactory factory,
            int bufferSize, int depth) {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(factory, "factory");
        if (position < 0 || count < 0) {
            throw new IllegalArgumentException("position and count must not be negative, got "
                    + position + " and " + count);
        }
        checkSizes(bufferSize, depth);
        long end = position + count;
        return Flux.<Long, Long>generate(() -> position, (at, sink) -> {
                    if (at >= end) {
                        sink.complete();
                    } else {
                        sink.next(at);
                    }
                    return at + bufferSize;
                })
                .flatMapSequential(at -> KernelBuffer.read(file, at, (int) Math.min(bufferSize, end - at), factory),
                        depth, 1)
                .doOnDiscard(DataBuffer.class, DataBufferUtils::release);
    }

    /**
     * Writes {@code body} to {@code path} (without options: CREATE, TRUNCATE_EXISTING, WRITE),
     * releasing each buffer once written, then closes the file; yields the bytes written.
     */
    public static Mono<Long> write(Uring uring, Publisher<? extends DataBuffer> body, Path path, OpenOption... options) {
        Objects.requireNonNull(uring, "uring");
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(path, "path");
        OpenOption[] opts = Objects.requireNonNull(options, "options").length == 0 ? WRITE_DEFAULTS : options;
        return Mono.usingWhen(ReactiveFile.open(uring, path, opts), f -> write(f, body, 0), ReactiveFile::close);
    }

    /**
     * Writes {@code body} into an open file from {@code position}, one buffer at a time, each
     * released once the kernel has written it; yields the bytes written. Does not close the file.
     */
    public static Mono<Long> write(ReactiveFile file, Publisher<? extends DataBuffer> body, long position) {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(body, "body");
        if (position < 0) {
            throw new IllegalArgumentException("position must not be negative, got " + position);
        }
        return Mono.defer(() -> {
            long[] next = {position};
            return CheckedSource.of(body)
                    .concatMap(b -> {
                        long at = next[0];
                        next[0] += b.readableByteCount();
                        return KernelBuffer.write(file, b, at);
                    }, 1)
                    .doOnDiscard(DataBuffer.class, DataBufferUtils::release)
                    .reduce(0L, Long::sum);
        });
    }

    private static void checkSizes(int bufferSize, int depth) {
        if (bufferSize <= 0) {
            throw new IllegalArgumentException("bufferSize must be positive, got " + bufferSize);
        }
        if (depth <= 0) {
            throw new IllegalArgumentException("depth must be positive, got " + depth);
        }
    }

    /** Closes without waiting: CLOSE goes to the kernel once the file's ops in flight are done. */
    static void closeQuietly(ReactiveFile file) {
        file.close().subscribe(null, e -> { });
    }
}
