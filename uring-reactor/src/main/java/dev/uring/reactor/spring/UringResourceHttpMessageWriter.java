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
 * instead of Spring's {@code AsynchronousFileChannel} or zero-copy paths: the file is opened,
 * sized and read on the ring into the response's buffers, and kept open for the next responses
 * (see {@link #UringResourceHttpMessageWriter(Uring, int, int, int, int)}). On the server it answers Range requests
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
        super(bufferSize);
        this.files = new FileResponses(Objects.requireNonNull(uring, "uring"), bufferSize, depth, singleReadLimit,
                openFiles);
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
