package dev.uring.reactor.tck;

import dev.uring.reactor.spring.UringResourceHttpMessageWriter;
import java.nio.file.Path;
import java.util.Map;
import org.reactivestreams.Publisher;
import org.springframework.core.ResolvableType;
import org.springframework.core.io.FileSystemResource;
import org.springframework.core.io.Resource;

/**
 * The subscriber {@link UringResourceHttpMessageWriter#write(Publisher, ResolvableType,
 * org.springframework.http.MediaType, org.springframework.http.ReactiveHttpOutputMessage, Map)} gives
 * the publisher of the resource to write (WebFlux's handler result), writing to a {@link BodyCapture}.
 */
public class ResourceWriterSubscriberTckTest extends CapturedSubscriberVerification<Resource> {
    private UringResourceHttpMessageWriter writer;
    private Path path;

    @Override
    void prepare() throws Exception {
        writer = fx.closing(new UringResourceHttpMessageWriter(fx.uring));
        path = fx.file(100);
    }

    @Override
    Publisher<?> consume(Publisher<Resource> data) {
        return writer.write(data, ResolvableType.forClass(Resource.class), null, new BodyCapture(false), Map.of());
    }

    @Override
    public Resource createElement(int element) {
        return new FileSystemResource(path);
    }
}
