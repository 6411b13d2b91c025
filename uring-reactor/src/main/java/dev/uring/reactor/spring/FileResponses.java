package dev.uring.reactor.spring;

import dev.uring.core.Statx;
import dev.uring.reactor.Uring;
import dev.uring.reactor.file.ReactiveFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import org.springframework.core.io.FileSystemResource;
import org.springframework.core.io.Resource;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpRange;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.MediaTypeFactory;
import org.springframework.http.ReactiveHttpOutputMessage;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.ZeroCopyHttpOutputMessage;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ResponseStatusException;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Writes a file, or byte ranges of it, as an HTTP body read through io_uring: the file is opened
 * and sized (OPENAT, STATX) on the ring, or taken from the {@link OpenFiles} kept open, and its
 * bytes read into the response's own buffers. Several ranges make a {@code multipart/byteranges} body.
 */
final class FileResponses {
    /** Like Spring's stock writer: more ranges than this in one request are refused (416). */
    static final int MAX_RANGES = 100;

    private final Uring uring;
    private final OpenFiles files;
    private final int bufferSize;
    private final int depth;
    private final int singleReadLimit;
    /** Bodies longer than this go by zero-copy sendfile where the response can; negative: never. */
    private volatile long zeroCopyThreshold;
    private final java.util.concurrent.atomic.LongAdder zeroCopyBodies = new java.util.concurrent.atomic.LongAdder();
    private final java.util.concurrent.atomic.LongAdder ringBodies = new java.util.concurrent.atomic.LongAdder();
    /** Whether /proc/self/fd names open files here (the zero-copy path reopens the file through it). */
    private static final boolean PROC_FD = java.nio.file.Files.isDirectory(Path.of("/proc/self/fd"));

    /**
     * Responses reading bodies of at most {@code singleReadLimit} bytes in one READ, larger ones
     * in buffers of {@code bufferSize}, {@code depth} ahead; keeping up to {@code openFiles} files open.
     */
    FileResponses(Uring uring, int bufferSize, int depth, int singleReadLimit, int openFiles, long zeroCopyThreshold) {
        if (bufferSize <= 0 || depth <= 0 || singleReadLimit < 0) {
            throw new IllegalArgumentException("bufferSize and depth must be positive and singleReadLimit not "
                    + "negative, got " + bufferSize + ", " + depth + " and " + singleReadLimit);
        }
        this.uring = uring;
        this.files = new OpenFiles(uring, openFiles);
        this.bufferSize = bufferSize;
        this.depth = depth;
        this.singleReadLimit = Math.max(singleReadLimit, bufferSize);
        this.zeroCopyThreshold = zeroCopyThreshold;
    }

    /** Sets the size above which bodies go by zero-copy sendfile; negative: never. */
    void zeroCopyThreshold(long bytes) {
        zeroCopyThreshold = bytes;
    }

    long zeroCopyThreshold() {
        return zeroCopyThreshold;
    }

    /** Bodies (or single ranges) sent by zero-copy sendfile so far. */
    long zeroCopyBodies() {
        return zeroCopyBodies.sum();
    }

    /** Bodies (or ranges) read through io_uring into the response's buffers so far. */
    long ringBodies() {
        return ringBodies.sum();
    }

    /** The files kept open. */
    OpenFiles openFiles() {
        return files;
    }

    /** The STATX a resource brings that may stand in for the writer's own, or null. */
    static @Nullable Statx knownStatx(Resource resource) {
        return resource instanceof UringFileSystemResource u ? u.freshStatx() : null;
    }

    /** The path of a file-system resource, or null when the resource is not a file. */
    static @Nullable Path filePath(Resource resource) {
        if (resource instanceof FileSystemResource fs) {
            return fs.getFilePath();
        }
        try {
            return resource.isFile() ? resource.getFile().toPath() : null;
        } catch (IOException e) {
            return null;
        }
    }

    /** The body's media type: the one asked for when concrete, else the file name's, else octet-stream. */
    static MediaType mediaType(@Nullable MediaType asked, Resource resource) {
        if (asked != null && asked.isConcrete() && !asked.equals(MediaType.APPLICATION_OCTET_STREAM)) {
            return asked;
        }
        return MediaTypeFactory.getMediaType(resource).orElse(MediaType.APPLICATION_OCTET_STREAM);
    }

    /** The whole file, with Content-Type and Content-Length unless already set. */
    Mono<Void> writeWhole(Path path, Resource resource, MediaType type, ReactiveHttpOutputMessage message) {
        return withFile(path, resource, (file, size) -> whole(file, size, type, message, false));
    }

    /**
     * The whole file, or the ranges the request's Range header asks for: 206 with one range or a
     * multipart/byteranges body of several; 416 with {@code Content-Range: bytes *}{@code /size}
     * when the header is malformed or no range is satisfiable. A HEAD request gets the headers only.
     */
    Mono<Void> writeRanged(Path path, Resource resource, MediaType type, ServerHttpRequest request,
            ServerHttpResponse response) {
        response.getHeaders().set(HttpHeaders.ACCEPT_RANGES, "bytes");
        boolean head = HttpMethod.HEAD.equals(request.getMethod());
        List<HttpRange> ranges;
        try {
            ranges = request.getHeaders().getRange();
        } catch (IllegalArgumentException malformed) {
            ranges = null;
        }
        List<HttpRange> asked = ranges;
        return withFile(path, resource, (file, size) -> {
            if (asked != null && asked.isEmpty()) {
                return whole(file, size, type, response, head);
            }
            List<Region> regions = asked == null ? null : Region.of(asked, size);
            if (regions == null) {
                response.setStatusCode(HttpStatus.REQUESTED_RANGE_NOT_SATISFIABLE);
                response.getHeaders().set(HttpHeaders.CONTENT_RANGE, "bytes */" + size);
                return response.setComplete();
            }
            response.setStatusCode(HttpStatus.PARTIAL_CONTENT);
            return regions(file, size, type, regions, response, head);
        });
    }

    /** Given regions of a file (a ResourceRegion body): one plain, several as multipart/byteranges. */
    Mono<Void> writeRegions(Path path, Resource resource, MediaType type, List<Region> regions,
            ReactiveHttpOutputMessage message) {
        return withFile(path, resource, (file, size) -> {
            for (Region r : regions) {
                if (r.end() >= size) {
                    return Mono.error(new IllegalArgumentException("region " + r + " ends past the end of "
                            + path + " (" + size + " bytes)"));
                }
            }
            return regions(file, size, type, regions, message, false);
        });
    }

    private interface FileBody {
        Mono<Void> write(ReactiveFile file, long size);
    }

    /**
     * Runs {@code body} on the resource's file, kept or opened by {@link OpenFiles}: by path, or, for
     * an {@link UringFileSystemResource} confined beneath a directory, with OPENAT2 RESOLVE_BENEATH
     * relative to it. A confined open the kernel or a policy refuses (the path leaves the directory:
     * EXDEV, ELOOP, EACCES) fails with a 403 {@link ResponseStatusException}, before anything is written.
     */
    private Mono<Void> withFile(Path path, Resource resource, FileBody body) {
        Mono<OpenFiles.Lease> lease;
        if (resource instanceof UringFileSystemResource u && u.beneath() != null) {
            ReactiveFile dir = u.beneath();
            String relative = u.relativePath();
            lease = files.open(path, knownStatx(resource), () -> ReactiveFile.openBeneath(uring, dir, relative), dir)
                    .onErrorMap(FileResponses::leavesDirectory, e -> new ResponseStatusException(HttpStatus.FORBIDDEN,
                            "resolves outside " + dir.path(), e));
        } else {
            lease = files.open(path, knownStatx(resource));
        }
        return lease.flatMap(l -> body.write(l.file, l.size).doFinally(s -> l.release()));
    }

    private static boolean leavesDirectory(Throwable e) {
        String m = String.valueOf(e.getMessage());
        return e instanceof java.nio.file.AccessDeniedException
                || (e instanceof java.nio.file.FileSystemException && (m.contains("EXDEV") || m.contains("ELOOP")));
    }

    /**
     * {@code count} bytes at {@code position}: a body of at most {@code singleReadLimit} bytes (or
     * one buffer) is one READ into one buffer, written as a Mono (Reactor Netty writes and flushes
     * that once); a larger one is read in buffers of {@code bufferSize}, {@code depth} ahead, so
     * that a large file never holds more than that much memory per response.
     */
    private Publisher<DataBuffer> body(ReactiveFile file, long position, long count, DataBufferFactory factory) {
        if (count > 0 && count <= singleReadLimit) {
            return KernelBuffer.read(file, position, (int) count, factory);
        }
        return UringDataBuffers.read(file, position, count, factory, bufferSize, depth);
    }

    private Mono<Void> whole(ReactiveFile file, long size, MediaType type, ReactiveHttpOutputMessage message, boolean head) {
        HttpHeaders headers = message.getHeaders();
        if (headers.getContentType() == null) {
            headers.setContentType(type);
        }
        if (headers.getContentLength() < 0) {
            headers.setContentLength(size);
        }
        if (head) {
            return message.setComplete();
        }
        return send(file, 0, size, message);
    }

    /**
     * {@code count} bytes at {@code position} as the whole body. Above the threshold, when the
     * response can ({@link ZeroCopyHttpOutputMessage}: Reactor Netty's), they go by sendfile from
     * the page cache to the socket, as Spring's stock writer sends files: our path would copy each
     * byte into user memory and out again. The file is reopened through {@code /proc/self/fd}, so
     * that it is the very file opened (beneath the root, checked against the STATX), and the
     * lease keeps ours open until the send completed. Smaller bodies keep the io_uring path, where
     * a kept-open file costs one READ and no open or close.
     */
    private Mono<Void> send(ReactiveFile file, long position, long count, ReactiveHttpOutputMessage message) {
        long threshold = zeroCopyThreshold;
        if (threshold >= 0 && count > threshold && PROC_FD && message instanceof ZeroCopyHttpOutputMessage zeroCopy) {
            Path path;
            try {
                path = file.descriptorPath();
            } catch (IllegalStateException closed) {
                return Mono.error(closed);
            }
            zeroCopyBodies.increment();
            return zeroCopy.writeWith(path, position, count);
        }
        ringBodies.increment();
        return message.writeWith(body(file, position, count, message.bufferFactory()));
    }

    private Mono<Void> regions(ReactiveFile file, long size, MediaType type, List<Region> regions,
            ReactiveHttpOutputMessage message, boolean head) {
        HttpHeaders headers = message.getHeaders();
        DataBufferFactory factory = message.bufferFactory();
        if (regions.size() == 1) {
            Region r = regions.getFirst();
            headers.setContentType(type);
            headers.set(HttpHeaders.CONTENT_RANGE, r.contentRange(size));
            headers.setContentLength(r.length());
            if (head) {
                return message.setComplete();
            }
            return send(file, r.start(), r.length(), message);
        }
        // not MimeTypeUtils' boundary: its SecureRandom may block on first use, here on a loop thread
        ThreadLocalRandom random = ThreadLocalRandom.current();
        String boundary = "uring-" + Long.toHexString(random.nextLong()) + Long.toHexString(random.nextLong());
        headers.setContentType(MediaType.parseMediaType("multipart/byteranges;boundary=" + boundary));
        List<byte[]> partHeads = new ArrayList<>(regions.size());
        long length = 0;
        for (Region r : regions) {
            byte[] part = ("\r\n--" + boundary + "\r\nContent-Type: " + type + "\r\nContent-Range: "
                    + r.contentRange(size) + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
            partHeads.add(part);
            length += part.length + r.length();
        }
        byte[] end = ("\r\n--" + boundary + "--").getBytes(StandardCharsets.US_ASCII);
        headers.setContentLength(length + end.length);
        if (head) {
            return message.setComplete();
        }
        // one body of several parts: sendfile sends one file range per response, so the ring reads them
        ringBodies.increment();
        Flux<DataBuffer> body = Flux.range(0, regions.size())
                .concatMap(i -> Flux.concat(
                        Mono.fromSupplier(() -> factory.wrap(partHeads.get(i))),
                        body(file, regions.get(i).start(), regions.get(i).length(), factory)), 1)
                .concatWith(Mono.fromSupplier(() -> factory.wrap(end)));
        return message.writeWith(body);
    }

    /** One byte range of a file: first and last byte, inclusive. */
    record Region(long start, long end) {
        long length() {
            return end - start + 1;
        }

        String contentRange(long size) {
            return "bytes " + start + "-" + end + "/" + size;
        }

        /**
         * The regions of a file of {@code size} bytes that {@code ranges} ask for, or null when
         * none can be served: a range starting at or past the end, more than {@link #MAX_RANGES},
         * or several ranges adding up to the whole file or more (Spring's guard against
         * amplification).
         */
        static @Nullable List<Region> of(List<HttpRange> ranges, long size) {
            if (ranges.size() > MAX_RANGES) {
                return null;
            }
            List<Region> out = new ArrayList<>(ranges.size());
            long total = 0;
            for (HttpRange range : ranges) {
                long start = range.getRangeStart(size);
                long end = range.getRangeEnd(size);
                if (start >= size || end < start) {
                    return null;
                }
                out.add(new Region(start, end));
                total += end - start + 1;
            }
            return out.size() > 1 && total >= size ? null : out;
        }
    }
}
