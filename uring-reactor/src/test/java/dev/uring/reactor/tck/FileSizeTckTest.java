package dev.uring.reactor.tck;

import dev.uring.reactor.file.ReactiveFile;
import org.reactivestreams.Publisher;

/** {@link ReactiveFile#size()}: the size from STATX. */
public class FileSizeTckTest extends MonoVerification<Long> {
    private ReactiveFile file;

    @Override
    void prepare() throws Exception {
        file = fx.open(fx.file(16));
    }

    @Override
    Publisher<Long> value() {
        return file.size();
    }

    @Override
    Publisher<Long> failed() throws Exception {
        return fx.closedFile().size();
    }
}
