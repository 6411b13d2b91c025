package dev.uring.reactor.tck;

import dev.uring.reactor.file.ReactiveFile;
import java.nio.file.StandardOpenOption;
import org.reactivestreams.Publisher;

/** {@link ReactiveFile#fdatasync()}: a Mono<Void>, so 0 elements. */
public class FileFdatasyncTckTest extends VoidVerification {
    private ReactiveFile file;

    @Override
    void prepare() throws Exception {
        file = fx.open(fx.file(16), StandardOpenOption.WRITE);
    }

    @Override
    Publisher<Void> empty() {
        return file.fdatasync();
    }

    @Override
    Publisher<Void> failed() throws Exception {
        return fx.closedFile().fdatasync();
    }
}
