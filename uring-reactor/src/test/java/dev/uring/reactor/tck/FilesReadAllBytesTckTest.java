package dev.uring.reactor.tck;

import dev.uring.reactor.file.ReactiveFiles;
import dev.uring.reactor.Uring;
import java.nio.file.Path;
import org.reactivestreams.Publisher;

/** {@link ReactiveFiles#readAllBytes(Uring, Path)}: open, read whole, close. Refused: on a closed runtime. */
public class FilesReadAllBytesTckTest extends MonoVerification<byte[]> {
    private Path path;
    private Uring closed;

    @Override
    void prepare() throws Exception {
        path = fx.file(100_000);
        closed = Fixture.closedRuntime();
    }

    @Override
    Publisher<byte[]> value() {
        return ReactiveFiles.readAllBytes(fx.uring, path);
    }

    @Override
    Publisher<byte[]> failed() {
        return ReactiveFiles.readAllBytes(closed, path);
    }
}
