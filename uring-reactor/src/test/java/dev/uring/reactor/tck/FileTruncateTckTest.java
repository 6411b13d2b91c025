package dev.uring.reactor.tck;

import dev.uring.reactor.file.ReactiveFile;
import java.nio.file.StandardOpenOption;
import org.reactivestreams.Publisher;

/**
 * {@link ReactiveFile#truncate(long)}: FTRUNCATE from 6.9, ftruncate(2) off the loops before (whichever
 * this kernel takes); a Mono<Void>, so 0 elements.
 */
public class FileTruncateTckTest extends VoidVerification {
    private ReactiveFile file;

    @Override
    void prepare() throws Exception {
        file = fx.open(fx.file(16), StandardOpenOption.WRITE);
    }

    @Override
    Publisher<Void> empty() {
        return file.truncate(8);
    }

    @Override
    Publisher<Void> failed() throws Exception {
        return fx.closedFile().truncate(8);
    }
}
