package dev.uring.reactor.tck;

import dev.uring.reactor.file.ReactiveFile;
import dev.uring.reactor.spring.UringDataBuffers;
import org.reactivestreams.Publisher;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;

/**
 * {@link UringDataBuffers#read(ReactiveFile, long, long, org.springframework.core.io.buffer.DataBufferFactory, int, int)}:
 * {@code n} buffers of an open (sparse, 2^24 buffers long) file from an offset. Refused: a closed file.
 */
public class DataBuffersReadRangeTckTest extends FluxVerification<DataBuffer> {
    private static final int SIZE = 16;
    private static final long BUFFERS = 1 << 24;
    private ReactiveFile file;

    @Override
    void prepare() throws Exception {
        file = fx.open(fx.sparseFile((BUFFERS + 1) * SIZE));
    }

    @Override
    Publisher<DataBuffer> publisher(long elements) {
        return UringDataBuffers.read(file, SIZE, Math.min(elements, BUFFERS) * SIZE,
                DefaultDataBufferFactory.sharedInstance, SIZE, 4);
    }

    @Override
    Publisher<DataBuffer> failed() throws Exception {
        return UringDataBuffers.read(fx.closedFile(), 0, SIZE, DefaultDataBufferFactory.sharedInstance, SIZE, 4);
    }
}
