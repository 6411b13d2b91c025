package dev.uring.reactor.tck;

import dev.uring.reactor.file.ReactiveFile;
import java.nio.file.StandardOpenOption;
import org.reactivestreams.Publisher;

/** {@link ReactiveFile#fsync()}: a Mono<Void>, so 0 elements. */
public class FileFsyncTckTest extends VoidVerification {
    private ReactiveFile file;

    @Override
    void prepare() throws Exception {
        file = fx.open(fx.file(16), StandardOpenOption.WRITE);
    }

    @Override
    Publisher<Void> empty() {
        return file.fsync();
    }

    @Override
    Publisher<Void> failed() throws Exception {
        return fx.closedFile().fsync();
    }
}
