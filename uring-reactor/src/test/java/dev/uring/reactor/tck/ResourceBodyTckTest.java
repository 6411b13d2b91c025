package dev.uring.reactor.tck;

import dev.uring.reactor.spring.UringResourceHttpMessageWriter;
import java.nio.file.Path;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import org.springframework.core.ResolvableType;
import org.springframework.core.io.FileSystemResource;
import org.springframework.core.io.Resource;
import org.springframework.core.io.buffer.DataBuffer;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;

/**
 * The body {@link UringResourceHttpMessageWriter} writes for a file {@code Resource} up to its
 * single-read limit: one READ into one buffer (a Mono), recorded from the response by
 * {@link BodyCapture}, the writer's file lease held while the TCK subscribes. (Larger bodies are
 * {@link dev.uring.reactor.spring.UringDataBuffers#read}'s Flux, verified by {@link DataBuffersReadRangeTckTest}.)
 * There is no failed body: the writer hands a body over only once the file is open, so the TCK
 * skips the rules on a failed publisher.
 */
public class ResourceBodyTckTest extends MonoVerification<DataBuffer> {
    private UringResourceHttpMessageWriter writer;
    private Path path;

    @Override
    void prepare() throws Exception {
        writer = fx.closing(new UringResourceHttpMessageWriter(fx.uring));
        path = fx.file(1000);
    }

    @Override
    Publisher<DataBuffer> value() throws Exception {
        BodyCapture response = new BodyCapture(true);
        Disposable writing = writer.write(Mono.just(new FileSystemResource(path)), ResolvableType.forClass(Resource.class),
                null, response, Map.of()).subscribe(null, e -> { });
        fx.closing(writing::dispose);
        return response.body();
    }

    @Override
    @Nullable Publisher<DataBuffer> failed() {
        return null;
    }
}
