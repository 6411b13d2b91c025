package dev.uring.reactor.spring;

import dev.uring.reactor.Uring;
import dev.uring.reactor.op.CheckedSource;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import org.springframework.core.ResolvableType;
import org.springframework.core.codec.ResourceRegionEncoder;
import org.springframework.core.io.support.ResourceRegion;
import org.springframework.http.MediaType;
import org.springframework.http.ReactiveHttpOutputMessage;
import org.springframework.http.codec.EncoderHttpMessageWriter;
import org.springframework.http.codec.HttpMessageWriter;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Writes {@link ResourceRegion}s of a file-system resource through io_uring: one region as a
 * plain body with its Content-Range, several (of the same file) as {@code multipart/byteranges}.
 * The status (206) is the caller's to set. Regions of resources that are not files, or of
 * several resources, go to Spring's {@link ResourceRegionEncoder}.
 */
public class UringResourceRegionHttpMessageWriter implements HttpMessageWriter<ResourceRegion>, AutoCloseable {
    private final FileResponses files;
    private final EncoderHttpMessageWriter<ResourceRegion> spring = new EncoderHttpMessageWriter<>(new ResourceRegionEncoder());

    /** A writer on {@code uring} with the default buffer size and read-ahead of {@link UringDataBuffers}. */
    public UringResourceRegionHttpMessageWriter(Uring uring) {
        this(uring, UringDataBuffers.DEFAULT_BUFFER_SIZE, UringDataBuffers.DEFAULT_DEPTH);
    }

    /**
     * A writer on {@code uring} reading in buffers of {@code bufferSize} bytes, up to
     * {@code depth} reads ahead of the network, with the defaults
     * {@link UringResourceHttpMessageWriter#DEFAULT_SINGLE_READ_LIMIT} and
     * {@link UringResourceHttpMessageWriter#DEFAULT_OPEN_FILES}.
     *
     * @throws IllegalArgumentException when {@code bufferSize} or {@code depth} is not positive
     */
    public UringResourceRegionHttpMessageWriter(Uring uring, int bufferSize, int depth) {
        this(uring, bufferSize, depth, UringResourceHttpMessageWriter.DEFAULT_SINGLE_READ_LIMIT,
                UringResourceHttpMessageWriter.DEFAULT_OPEN_FILES);
    }

    /**
     * A writer on {@code uring} with the buffer size, read-ahead, single-read limit and open files
     * of {@link UringResourceHttpMessageWriter#UringResourceHttpMessageWriter(Uring, int, int, int, int)}.
     *
     * @throws IllegalArgumentException when {@code bufferSize} or {@code depth} is not positive,
     *     or {@code singleReadLimit} or {@code openFiles} negative
     */
    public UringResourceRegionHttpMessageWriter(Uring uring, int bufferSize, int depth, int singleReadLimit,
            int openFiles) {
        this.files = new FileResponses(Objects.requireNonNull(uring, "uring"), bufferSize, depth, singleReadLimit,
                openFiles, UringResourceHttpMessageWriter.DEFAULT_ZERO_COPY_THRESHOLD);
    }

    /**
     * A writer with the settings of {@code resources} that shares its files kept open, so that a
     * file served both whole and by range is opened once. Closing either writer closes them.
     */
    public UringResourceRegionHttpMessageWriter(UringResourceHttpMessageWriter resources) {
        this.files = Objects.requireNonNull(resources, "resources").fileResponses();
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
    public List<MediaType> getWritableMediaTypes() {
        return List.of(MediaType.ALL);
    }

    @Override
    public boolean canWrite(ResolvableType elementType, @Nullable MediaType mediaType) {
        return ResourceRegion.class.isAssignableFrom(elementType.toClass());
    }

    @Override
    public Mono<Void> write(Publisher<? extends ResourceRegion> input, ResolvableType elementType,
            @Nullable MediaType mediaType, ReactiveHttpOutputMessage message, Map<String, Object> hints) {
        return CheckedSource.of(input).collectList().flatMap(regions -> {
            if (regions.isEmpty()) {
                return message.setComplete();
            }
            var resource = regions.getFirst().getResource();
            Path path = FileResponses.filePath(resource);
            boolean oneFile = path != null && regions.stream().allMatch(r -> r.getResource().equals(resource));
            if (!oneFile) {
                return spring.write(Flux.fromIterable(regions), elementType, mediaType, message, hints);
            }
            List<FileResponses.Region> ranges = new ArrayList<>(regions.size());
            for (ResourceRegion r : regions) {
                if (r.getCount() <= 0) {
                    return Mono.error(new IllegalArgumentException("empty region " + r + " of " + path));
                }
                ranges.add(new FileResponses.Region(r.getPosition(), r.getPosition() + r.getCount() - 1));
            }
            return files.writeRegions(path, resource, FileResponses.mediaType(mediaType, resource),
                    ranges, message);
        });
    }
}
