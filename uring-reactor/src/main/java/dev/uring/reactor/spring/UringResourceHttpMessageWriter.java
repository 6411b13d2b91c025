package dev.uring.reactor.spring;

import dev.uring.reactor.Uring;
import dev.uring.reactor.op.CheckedSource;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import org.springframework.core.ResolvableType;
import org.springframework.core.io.Resource;
import org.springframework.http.MediaType;
import org.springframework.http.ReactiveHttpOutputMessage;
import org.springframework.http.codec.ResourceHttpMessageWriter;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpResponse;
import reactor.core.publisher.Mono;

/**
 * A {@link ResourceHttpMessageWriter} that reads file-system {@link Resource}s through io_uring
 * instead of Spring's {@code AsynchronousFileChannel}: the file is opened and sized on the ring
 * and kept open for the next responses (see {@link #UringResourceHttpMessageWriter(Uring, int, int, int, int)});
 * a body up to the zero-copy threshold is read on the ring into the response's buffers, a larger
 * one is sent by zero-copy sendfile from that open file where the response supports it
 * ({@link #UringResourceHttpMessageWriter(Uring, int, int, int, int, long)}), which is how Spring's
 * stock writer sends every file and faster than copying large bodies through user memory. On the server it answers Range requests
 * like Spring's writer (206 with one range, {@code multipart/byteranges} with several, 416 when
 * none is satisfiable) and HEAD with headers only. Resources that are not files (class path
 * entries in a jar, byte arrays...) go to Spring's own path.
 *
 * <p>Register it as a custom codec ({@code configurer.customCodecs().register(writer)}): custom
 * writers come before the default ones. The Spring Boot auto-configuration does that.
 */
public class UringResourceHttpMessageWriter extends ResourceHttpMessageWriter implements AutoCloseable {
    /** Files kept open between responses by default. */
    public static final int DEFAULT_OPEN_FILES = 256;
    /** Bodies (and ranges) of at most this many bytes are read in one READ by default: 1 MiB. */
    public static final int DEFAULT_SINGLE_READ_LIMIT = 1 << 20;
    /**
     * Bodies (and single ranges) longer than this go by zero-copy sendfile by default: 64 KiB, one
     * default buffer. A body up to one buffer is one READ of a kept-open file into one buffer,
     * against sendfile's open, sendfile and close per response; each buffer more adds a READ and
     * two copies of its bytes (into user memory, then into the socket), which sendfile never
     * makes. A guess from that arithmetic until the benchmark of the writer against stock at
     * 4 KiB, 1 MiB and 64 MiB places the crossover.
     */
    public static final long DEFAULT_ZERO_COPY_THRESHOLD = 64 * 1024;

    private final FileResponses files;

    /** A writer on {@code uring} with the default buffer size and read-ahead of {@link UringDataBuffers}. */
    public UringResourceHttpMessageWriter(Uring uring) {
        this(uring, UringDataBuffers.DEFAULT_BUFFER_SIZE, UringDataBuffers.DEFAULT_DEPTH);
    }

    /**
     * A writer on {@code uring} reading in buffers of {@code bufferSize} bytes, up to
     * {@code depth} reads ahead of the network, with the defaults {@link #DEFAULT_SINGLE_READ_LIMIT}
     * and {@link #DEFAULT_OPEN_FILES}.
     *
     * @throws IllegalArgumentException when {@code bufferSize} or {@code depth} is not positive
     */
    public UringResourceHttpMessageWriter(Uring uring, int bufferSize, int depth) {
        this(uring, bufferSize, depth, DEFAULT_SINGLE_READ_LIMIT, DEFAULT_OPEN_FILES);
    }

    /**
     * A writer on {@code uring} reading a body (or range) of at most {@code singleReadLimit} bytes
     * in one READ into one buffer, written in one go, and larger ones in buffers of
     * {@code bufferSize} bytes, up to {@code depth} reads ahead of the network; keeping up to
     * {@code openFiles} files open between responses (0: each response opens and closes its
     * file). A kept file is reused only while a STATX of its path taken for the response still
     * shows the same device, inode, size, modification and change times: a replaced file is opened afresh.
     *
     * @throws IllegalArgumentException when {@code bufferSize} or {@code depth} is not positive,
     *     or {@code singleReadLimit} or {@code openFiles} negative
     */
    public UringResourceHttpMessageWriter(Uring uring, int bufferSize, int depth, int singleReadLimit, int openFiles) {
        this(uring, bufferSize, depth, singleReadLimit, openFiles, DEFAULT_ZERO_COPY_THRESHOLD);
    }

    /**
     * As {@link #UringResourceHttpMessageWriter(Uring, int, int, int, int)}, and bodies (or single
     * ranges) longer than {@code zeroCopyThreshold} bytes are sent with zero-copy sendfile when the
     * response supports it (Reactor Netty's does; a compressing or TLS connection then copies as
     * Spring's own writer would), from the very file opened; negative: never, every body through io_uring.
     *
     * @throws IllegalArgumentException as the five-argument constructor
     */
    public UringResourceHttpMessageWriter(Uring uring, int bufferSize, int depth, int singleReadLimit, int openFiles,
            long zeroCopyThreshold) {
        super(bufferSize);
        this.files = new FileResponses(Objects.requireNonNull(uring, "uring"), bufferSize, depth, singleReadLimit,
                openFiles, zeroCopyThreshold);
    }

    /** Bodies (and single ranges) longer than {@code bytes} go by zero-copy sendfile from now on; negative: never. */
    public void setZeroCopyThreshold(long bytes) {
        files.zeroCopyThreshold(bytes);
    }

    /** The size above which bodies go by zero-copy sendfile, negative for never. */
    public long getZeroCopyThreshold() {
        return files.zeroCopyThreshold();
    }

    /** Bodies and single ranges this writer (and a region writer sharing its files) sent by zero-copy sendfile. */
    public long zeroCopyBodies() {
        return files.zeroCopyBodies();
    }

    /** Bodies and ranges this writer (and a region writer sharing its files) read through io_uring. */
    public long ringBodies() {
        return files.ringBodies();
    }

    /** The responses this writer makes, with their files kept open (shared by a region writer). */
    FileResponses fileResponses() {
        return files;
    }

    /** Closes the files kept open (once the responses reading them are done); Spring calls it on shutdown. */
    @Override
    public void close() {
        files.openFiles().close();
    }

    /** The files kept open (for tests). */
    OpenFiles openFiles() {
        return files.openFiles();
    }

    @Override
    public Mono<Void> write(Publisher<? extends Resource> input, ResolvableType elementType,
            @Nullable MediaType mediaType, ReactiveHttpOutputMessage message, Map<String, Object> hints) {
        return Mono.from(CheckedSource.of(input)).flatMap(resource -> {
            Path path = FileResponses.filePath(resource);
            if (path == null) {
                return super.write(Mono.just(resource), elementType, mediaType, message, hints);
            }
            return files.writeWhole(path, resource, FileResponses.mediaType(mediaType, resource),
                    message);
        });
    }

    @Override
    public Mono<Void> write(Publisher<? extends Resource> input, @Nullable ResolvableType actualType,
            ResolvableType elementType, @Nullable MediaType mediaType, ServerHttpRequest request,
            ServerHttpResponse response, Map<String, Object> hints) {
        return Mono.from(CheckedSource.of(input)).flatMap(resource -> {
            Path path = FileResponses.filePath(resource);
            if (path == null) {
                return super.write(Mono.just(resource), actualType, elementType, mediaType, request, response, hints);
            }
            return files.writeRanged(path, resource, FileResponses.mediaType(mediaType, resource),
                    request, response);
        });
    }
}
