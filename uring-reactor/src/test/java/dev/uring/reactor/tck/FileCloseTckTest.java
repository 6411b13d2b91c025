package dev.uring.reactor.tck;

import dev.uring.reactor.file.ReactiveFile;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;

/**
 * {@link ReactiveFile#close()}: each publisher closes a freshly opened file; a Mono<Void>, so 0
 * elements. It has no failed form: closing an already closed file completes (it is idempotent), and
 * a file of a closed runtime was closed with it; so the TCK skips the rules on a failed publisher.
 */
public class FileCloseTckTest extends VoidVerification {
    @Override
    Publisher<Void> empty() throws Exception {
        return fx.open(fx.file(16)).close();
    }

    @Override
    @Nullable Publisher<Void> failed() {
        return null;
    }
}
