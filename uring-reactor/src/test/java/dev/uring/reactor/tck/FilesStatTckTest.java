package dev.uring.reactor.tck;

import dev.uring.core.Statx;
import dev.uring.reactor.file.ReactiveFiles;
import dev.uring.reactor.Uring;
import java.nio.file.Path;
import org.reactivestreams.Publisher;

/** {@link ReactiveFiles#stat(Uring, Path)}: STATX of a path. Refused: on a closed runtime. */
public class FilesStatTckTest extends MonoVerification<Statx> {
    private Path path;
    private Uring closed;

    @Override
    void prepare() throws Exception {
        path = fx.file(1);
        closed = Fixture.closedRuntime();
    }

    @Override
    Publisher<Statx> value() {
        return ReactiveFiles.stat(fx.uring, path);
    }

    @Override
    Publisher<Statx> failed() {
        return ReactiveFiles.stat(closed, path);
    }
}
