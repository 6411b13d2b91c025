package dev.uring.reactor.tck;

import dev.uring.reactor.Uring;
import dev.uring.reactor.spring.UringDataBuffers;
import org.reactivestreams.Publisher;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import reactor.core.publisher.Flux;

/**
 * {@link UringDataBuffers#write(Uring, Publisher, java.nio.file.Path, java.nio.file.OpenOption...)}
 * as a publisher (the bytes written; a new file each time); its subscriber side is
 * {@link DataBuffersWriteSubscriberTckTest}. Refused: on a closed runtime.
 */
public class DataBuffersWriteTckTest extends MonoVerification<Long> {
    private Uring closed;

    @Override
    void prepare() throws Exception {
        closed = Fixture.closedRuntime();
    }

    private static Flux<DataBuffer> body() {
        return Flux.range(0, 3).map(i -> DefaultDataBufferFactory.sharedInstance.wrap(new byte[] {i.byteValue(), 1, 2}));
    }

    @Override
    Publisher<Long> value() {
        return UringDataBuffers.write(fx.uring, body(), fx.newPath());
    }

    @Override
    Publisher<Long> failed() {
        return UringDataBuffers.write(closed, body(), fx.newPath());
    }
}
