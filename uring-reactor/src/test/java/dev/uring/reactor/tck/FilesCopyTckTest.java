package dev.uring.reactor.tck;

import dev.uring.reactor.file.ReactiveFiles;
import dev.uring.reactor.Uring;
import java.nio.file.Path;
import org.reactivestreams.Publisher;

/** {@link ReactiveFiles#copy(Uring, Path, Path, int, java.nio.file.CopyOption...)}: to a new file each time. Refused: on a closed runtime. */
public class FilesCopyTckTest extends MonoVerification<Long> {
    private Path source;
    private Uring closed;

    @Override
    void prepare() throws Exception {
        source = fx.file(300_000);
        closed = Fixture.closedRuntime();
    }

    @Override
    Publisher<Long> value() {
        return ReactiveFiles.copy(fx.uring, source, fx.newPath(), 2);
    }

    @Override
    Publisher<Long> failed() {
        return ReactiveFiles.copy(closed, source, fx.newPath(), 2);
    }
}
