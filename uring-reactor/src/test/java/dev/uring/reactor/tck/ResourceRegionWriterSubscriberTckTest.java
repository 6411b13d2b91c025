package dev.uring.reactor.tck;

import dev.uring.reactor.spring.UringResourceRegionHttpMessageWriter;
import java.nio.file.Path;
import java.util.Map;
import org.reactivestreams.Publisher;
import org.springframework.core.ResolvableType;
import org.springframework.core.io.FileSystemResource;
import org.springframework.core.io.support.ResourceRegion;

/**
 * The subscriber {@link UringResourceRegionHttpMessageWriter#write(Publisher, ResolvableType,
 * org.springframework.http.MediaType, org.springframework.http.ReactiveHttpOutputMessage, Map)} gives
 * the publisher of the regions to write, writing to a {@link BodyCapture}.
 */
public class ResourceRegionWriterSubscriberTckTest extends CapturedSubscriberVerification<ResourceRegion> {
    private UringResourceRegionHttpMessageWriter writer;
    private Path path;

    @Override
    void prepare() throws Exception {
        writer = fx.closing(new UringResourceRegionHttpMessageWriter(fx.uring));
        path = fx.file(100);
    }

    @Override
    Publisher<?> consume(Publisher<ResourceRegion> data) {
        return writer.write(data, ResolvableType.forClass(ResourceRegion.class), null, new BodyCapture(false), Map.of());
    }

    @Override
    public ResourceRegion createElement(int element) {
        return new ResourceRegion(new FileSystemResource(path), element % 10, 10);
    }
}
