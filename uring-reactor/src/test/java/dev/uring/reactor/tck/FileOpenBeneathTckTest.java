package dev.uring.reactor.tck;

import dev.uring.reactor.file.ReactiveFile;
import java.nio.file.Path;
import org.reactivestreams.Publisher;

/**
 * {@link ReactiveFile#openBeneath}: an OPENAT2 with RESOLVE_BENEATH under an open directory; the
 * files are closed with the runtime. Refused: an open beneath a directory that was closed.
 */
public class FileOpenBeneathTckTest extends MonoVerification<ReactiveFile> {
    private ReactiveFile dir;
    private String name;

    @Override
    void prepare() throws Exception {
        Path p = fx.file(16);
        name = p.getFileName().toString();
        dir = fx.open(fx.dir);
    }

    @Override
    Publisher<ReactiveFile> value() {
        return ReactiveFile.openBeneath(fx.uring, dir, name);
    }

    @Override
    Publisher<ReactiveFile> failed() {
        ReactiveFile closedDir = ReactiveFile.open(fx.uring, fx.dir).block(Fixture.WAIT);
        closedDir.close().block(Fixture.WAIT);
        return ReactiveFile.openBeneath(fx.uring, closedDir, name);
    }
}
