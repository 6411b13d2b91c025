package dev.uring.reactor.tck;

import dev.uring.reactor.file.ReactiveFile;
import dev.uring.reactor.spring.UringDataBuffers;
import java.nio.file.StandardOpenOption;
import org.reactivestreams.Publisher;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;

/** The subscriber {@link UringDataBuffers#write(ReactiveFile, Publisher, long)} gives the body publisher (the request body to a file). */
public class DataBuffersWriteSubscriberTckTest extends CapturedSubscriberVerification<DataBuffer> {
    private ReactiveFile file;

    @Override
    void prepare() throws Exception {
        file = fx.open(fx.file(0), StandardOpenOption.WRITE);
    }

    @Override
    Publisher<?> consume(Publisher<DataBuffer> data) {
        return UringDataBuffers.write(file, data, 0);
    }

    @Override
    public DataBuffer createElement(int element) {
        return DefaultDataBufferFactory.sharedInstance.wrap(new byte[] {(byte) element, 1, 2, 3});
    }
}
