package dev.uring.reactor.tck;

import dev.uring.reactor.file.ReactiveFiles;
import dev.uring.reactor.Uring;
import java.nio.file.Path;
import org.reactivestreams.Publisher;

/** {@link ReactiveFiles#delete(Uring, Path)}: UNLINKAT of a new file each time; a Mono<Void>. Refused: on a closed runtime. */
public class FilesDeleteTckTest extends VoidVerification {
    private Uring closed;

    @Override
    void prepare() throws Exception {
        closed = Fixture.closedRuntime();
    }

    @Override
    Publisher<Void> empty() throws Exception {
        return ReactiveFiles.delete(fx.uring, fx.file(1));
    }

    @Override
    Publisher<Void> failed() throws Exception {
        return ReactiveFiles.delete(closed, fx.file(1));
    }
}
