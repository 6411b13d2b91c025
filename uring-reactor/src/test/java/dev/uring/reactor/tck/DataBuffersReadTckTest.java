package dev.uring.reactor.tck;

import dev.uring.reactor.Uring;
import dev.uring.reactor.spring.UringDataBuffers;
import java.nio.file.Path;
import org.reactivestreams.Publisher;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;

/**
 * {@link UringDataBuffers#read(Uring, Path, org.springframework.core.io.buffer.DataBufferFactory, int, int)}:
 * open, STATX, the reads, close; a file of exactly {@code n} buffers (a sparse one past 1024, of
 * at most 2^24 buffers, for the rule that asks for {@code Integer.MAX_VALUE} and cancels after about
 * ten). Heap buffers, so the ones the TCK drops need no release. Refused: on a closed runtime.
 */
public class DataBuffersReadTckTest extends FluxVerification<DataBuffer> {
    private static final int SIZE = 16;
    private Uring closed;

    @Override
    void prepare() throws Exception {
        closed = Fixture.closedRuntime();
    }

    @Override
    Publisher<DataBuffer> publisher(long elements) throws Exception {
        Path p = elements <= 1024 ? fx.file((int) elements * SIZE) : fx.sparseFile(Math.min(elements, 1 << 24) * SIZE);
        return UringDataBuffers.read(fx.uring, p, DefaultDataBufferFactory.sharedInstance, SIZE, 4);
    }

    @Override
    Publisher<DataBuffer> failed() throws Exception {
        return UringDataBuffers.read(closed, fx.file(SIZE), DefaultDataBufferFactory.sharedInstance, SIZE, 4);
    }
}
