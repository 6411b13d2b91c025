package dev.uring.samples.fileserver;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.http.MediaType;
import org.springframework.http.MediaTypeFactory;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

/**
 * A measuring aid, not a feature: file bodies answered from memory (each file read once, on its
 * first request, and kept as it was then: later changes to the file are never seen), so that a
 * benchmark can tell what a Resource writer with zero-cost file I/O would reach on the same
 * server, handler and URL. Off unless {@value #PROPERTY}{@code =true}; used by
 * {@code URING_SERVER_ARGS=--fileserver.measure.in-memory-bodies=true benchmarks/run-webflux.sh}.
 */
final class InMemoryBodies {
    /** The property that switches it on (default false). */
    static final String PROPERTY = "fileserver.measure.in-memory-bodies";

    private final Map<Path, ByteBuffer> bodies = new ConcurrentHashMap<>();

    /** A 200 with the file's bytes from memory; the first request of a path reads it (blocking, once). */
    Mono<ServerResponse> response(Path path) {
        ByteBuffer body = bodies.computeIfAbsent(path, InMemoryBodies::load);
        return ServerResponse.ok()
                .contentType(MediaTypeFactory.getMediaType(path.getFileName().toString())
                        .orElse(MediaType.APPLICATION_OCTET_STREAM))
                .contentLength(body.remaining())
                // a read-only view of shared direct memory: Netty writes it to the socket without a copy
                .body((message, context) -> message.writeWith(
                        Mono.fromSupplier(() -> message.bufferFactory().wrap(body.duplicate()))));
    }

    private static ByteBuffer load(Path path) {
        try {
            byte[] bytes = Files.readAllBytes(path);
            return ByteBuffer.allocateDirect(bytes.length).put(bytes).flip().asReadOnlyBuffer();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
