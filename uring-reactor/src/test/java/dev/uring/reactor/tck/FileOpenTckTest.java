package dev.uring.reactor.tck;

import dev.uring.reactor.file.ReactiveFile;
import dev.uring.reactor.Uring;
import java.nio.file.Path;
import org.reactivestreams.Publisher;

/**
 * {@link ReactiveFile#open(Uring, Path, java.nio.file.OpenOption...)}: an OPENAT; the files the TCK
 * receives and drops are closed with the runtime (which tracks them). Refused: an open on a closed runtime.
 */
public class FileOpenTckTest extends MonoVerification<ReactiveFile> {
    private Path path;
    private Uring closed;

    @Override
    void prepare() throws Exception {
        path = fx.file(16);
        closed = Fixture.closedRuntime();
    }

    @Override
    Publisher<ReactiveFile> value() {
        return ReactiveFile.open(fx.uring, path);
    }

    @Override
    Publisher<ReactiveFile> failed() {
        return ReactiveFile.open(closed, path);
    }
}
