package dev.uring.reactor.tck;

import dev.uring.reactor.file.ReactiveFiles;
import dev.uring.reactor.Uring;
import java.nio.file.Path;
import org.reactivestreams.Publisher;

/** {@link ReactiveFiles#exists(Uring, Path)}: STATX, ENOENT as false. Refused: on a closed runtime. */
public class FilesExistsTckTest extends MonoVerification<Boolean> {
    private Path path;
    private Uring closed;

    @Override
    void prepare() throws Exception {
        path = fx.file(1);
        closed = Fixture.closedRuntime();
    }

    @Override
    Publisher<Boolean> value() {
        return ReactiveFiles.exists(fx.uring, path);
    }

    @Override
    Publisher<Boolean> failed() {
        return ReactiveFiles.exists(closed, path);
    }
}
