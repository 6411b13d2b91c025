package dev.uring.reactor.tck;

import dev.uring.reactor.file.ReactiveFile;
import java.nio.ByteBuffer;
import org.reactivestreams.Publisher;

/** {@link ReactiveFile#read(long, int)}: one READ into a new buffer; at the end of the file it completes empty. */
public class FileReadTckTest extends MonoVerification<ByteBuffer> {
    private ReactiveFile file;

    @Override
    void prepare() throws Exception {
        file = fx.open(fx.file(64));
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
        return fx.closedFile().read(0, 16);
    }
}
