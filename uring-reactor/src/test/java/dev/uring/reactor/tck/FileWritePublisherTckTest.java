package dev.uring.reactor.tck;

import dev.uring.reactor.file.ReactiveFile;
import java.nio.ByteBuffer;
import java.nio.file.StandardOpenOption;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;

/**
 * {@link ReactiveFile#write(Publisher, long)} as a publisher (its result, the bytes written); its
 * subscriber side is {@link FileWriteSubscriberTckTest}. Refused: writing to a closed file fails at
 * the first buffer, which the write requests on subscription, so without any downstream request.
 */
public class FileWritePublisherTckTest extends MonoVerification<Long> {
    private ReactiveFile file;

    @Override
    void prepare() throws Exception {
        file = fx.open(fx.file(0), StandardOpenOption.WRITE);
    }

    private static Flux<ByteBuffer> data() {
        return Flux.range(0, 3).map(i -> ByteBuffer.wrap(new byte[] {i.byteValue(), 1, 2, 3}));
    }

    @Override
    Publisher<Long> value() {
        return file.write(data(), 0);
    }

    @Override
    Publisher<Long> failed() throws Exception {
        return fx.closedFile().write(data(), 0);
    }
}
