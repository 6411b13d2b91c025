package dev.uring.reactor.tck;

import dev.uring.reactor.file.ReactiveFile;
import java.nio.ByteBuffer;
import java.nio.file.StandardOpenOption;
import org.reactivestreams.Publisher;

/** {@link ReactiveFile#write(ByteBuffer, long)}: a WRITE of the buffer's bytes; yields the count. */
public class FileWriteTckTest extends MonoVerification<Integer> {
    private ReactiveFile file;

    @Override
    void prepare() throws Exception {
        file = fx.open(fx.file(0), StandardOpenOption.WRITE);
    }

    @Override
    Publisher<Integer> value() {
        return file.write(ByteBuffer.wrap(new byte[] {1, 2, 3, 4}), 0);
    }

    @Override
    Publisher<Integer> failed() throws Exception {
        return fx.closedFile().write(ByteBuffer.wrap(new byte[] {1, 2, 3, 4}), 0);
    }
}
