package dev.uring.reactor.tck;

import dev.uring.reactor.spring.UringDataBuffers;
import org.reactivestreams.Publisher;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;

/**
 * The subscriber {@link UringDataBuffers#write(dev.uring.reactor.Uring, Publisher, java.nio.file.Path, java.nio.file.OpenOption...)}
 * gives the body publisher once the file is open (a new file each time).
 */
public class DataBuffersWriteFileSubscriberTckTest extends CapturedSubscriberVerification<DataBuffer> {
    @Override
    Publisher<?> consume(Publisher<DataBuffer> data) {
        return UringDataBuffers.write(fx.uring, data, fx.newPath());
    }

    @Override
    public DataBuffer createElement(int element) {
        return DefaultDataBufferFactory.sharedInstance.wrap(new byte[] {(byte) element, 1, 2, 3});
    }
}
