package dev.uring.reactor.tck;

import dev.uring.reactor.file.ReactiveFiles;
import dev.uring.reactor.Uring;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;

/**
 * {@link ReactiveFiles#write(Uring, Path, Publisher, java.nio.file.OpenOption...)} as a publisher
 * (the bytes written; each publisher writes a new file); its subscriber side is
 * {@link FilesWriteSubscriberTckTest}. Refused: on a closed runtime.
 */
public class FilesWriteTckTest extends MonoVerification<Long> {
    private Uring closed;

    @Override
    void prepare() throws Exception {
        closed = Fixture.closedRuntime();
    }

    private static Flux<ByteBuffer> data() {
        return Flux.range(0, 3).map(i -> ByteBuffer.wrap(new byte[] {i.byteValue(), 1, 2, 3}));
    }

    @Override
    Publisher<Long> value() {
        return ReactiveFiles.write(fx.uring, fx.newPath(), data());
    }

    @Override
    Publisher<Long> failed() {
        return ReactiveFiles.write(closed, fx.newPath(), data());
    }
}
