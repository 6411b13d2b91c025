package dev.uring.reactor.tck;

import dev.uring.reactor.file.ReactiveFile;
import java.nio.ByteBuffer;
import java.time.Duration;
import org.reactivestreams.Publisher;

/** {@link ReactiveFile#withTimeout(Duration)}'s read: the READ linked to a kernel LINK_TIMEOUT (two CQEs per op). */
public class FileTimedReadTckTest extends MonoVerification<ByteBuffer> {
    private ReactiveFile file;

    @Override
    void prepare() throws Exception {
        file = fx.open(fx.file(64)).withTimeout(Duration.ofSeconds(30));
    }

    @Override
    Publisher<ByteBuffer> value() {
        return file.read(0, 16);
    }

    @Override
    boolean hasEmptyForm() {
        return true;
    }

    @Override
    Publisher<ByteBuffer> empty() {
        return file.read(64, 16);
    }

    @Override
    Publisher<ByteBuffer> failed() throws Exception {
        return fx.closedFile().withTimeout(Duration.ofSeconds(30)).read(0, 16);
    }
}
