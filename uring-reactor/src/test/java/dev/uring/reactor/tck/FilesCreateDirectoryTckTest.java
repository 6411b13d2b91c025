package dev.uring.reactor.tck;

import dev.uring.reactor.file.ReactiveFiles;
import dev.uring.reactor.Uring;
import java.nio.file.Path;
import org.reactivestreams.Publisher;

/** {@link ReactiveFiles#createDirectory(Uring, Path)}: MKDIRAT of a new path each time; a Mono<Void>. Refused: on a closed runtime. */
public class FilesCreateDirectoryTckTest extends VoidVerification {
    private Uring closed;

    @Override
    void prepare() throws Exception {
        closed = Fixture.closedRuntime();
    }

    @Override
    Publisher<Void> empty() {
        return ReactiveFiles.createDirectory(fx.uring, fx.newPath());
    }

    @Override
    Publisher<Void> failed() {
        return ReactiveFiles.createDirectory(closed, fx.newPath());
    }
}
