package dev.uring.reactor.tck;

import dev.uring.reactor.file.ReactiveFile;
import java.nio.ByteBuffer;
import org.reactivestreams.Publisher;

/** {@link ReactiveFile#read(ByteBuffer, long)} into a heap buffer (through a native copy); always yields a count. */
public class FileReadHeapTckTest extends MonoVerification<Integer> {
    private ReactiveFile file;

    @Override
    void prepare() throws Exception {
        file = fx.open(fx.file(64));
    }

    @Override
    Publisher<Integer> value() {
        return file.read(ByteBuffer.allocate(16), 0);
    }

    @Override
    Publisher<Integer> failed() throws Exception {
        return fx.closedFile().read(ByteBuffer.allocate(16), 0);
    }
}
