package dev.uring.reactor.tck;

import dev.uring.reactor.file.ReactiveFile;
import java.nio.ByteBuffer;
import java.nio.file.StandardOpenOption;
import org.reactivestreams.Publisher;

/** The subscriber {@link ReactiveFile#write(Publisher, long)} gives the caller's publisher (one WRITE in flight). */
public class FileWriteSubscriberTckTest extends CapturedSubscriberVerification<ByteBuffer> {
    private ReactiveFile file;

    @Override
    void prepare() throws Exception {
        file = fx.open(fx.file(0), StandardOpenOption.WRITE);
    }

    @Override
    Publisher<?> consume(Publisher<ByteBuffer> data) {
        return file.write(data, 0);
    }

    @Override
    public ByteBuffer createElement(int element) {
        return ByteBuffer.wrap(new byte[] {(byte) element, 1, 2, 3});
    }
}
