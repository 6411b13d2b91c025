package dev.uring.reactor.tck;

import dev.uring.core.Statx;
import dev.uring.reactor.file.ReactiveFile;
import org.reactivestreams.Publisher;

/** {@link ReactiveFile#stat()}: STATX of the open fd. */
public class FileStatTckTest extends MonoVerification<Statx> {
    private ReactiveFile file;

    @Override
    void prepare() throws Exception {
        file = fx.open(fx.file(16));
    }

    @Override
    Publisher<Statx> value() {
        return file.stat();
    }

    @Override
    Publisher<Statx> failed() throws Exception {
        return fx.closedFile().stat();
    }
}
