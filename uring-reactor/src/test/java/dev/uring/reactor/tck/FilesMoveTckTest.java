package dev.uring.reactor.tck;

import dev.uring.reactor.file.ReactiveFiles;
import dev.uring.reactor.Uring;
import java.nio.file.Path;
import org.reactivestreams.Publisher;

/** {@link ReactiveFiles#move(Uring, Path, Path, java.nio.file.CopyOption...)}: RENAMEAT of a new file each time; a Mono<Void>. Refused: on a closed runtime. */
public class FilesMoveTckTest extends VoidVerification {
    private Uring closed;

    @Override
    void prepare() throws Exception {
        closed = Fixture.closedRuntime();
    }

    @Override
    Publisher<Void> empty() throws Exception {
        return ReactiveFiles.move(fx.uring, fx.file(1), fx.newPath());
    }

    @Override
    Publisher<Void> failed() throws Exception {
        return ReactiveFiles.move(closed, fx.file(1), fx.newPath());
    }
}
