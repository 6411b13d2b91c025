package dev.uring.reactor.tck;

import dev.uring.reactor.file.ReactiveFiles;
import java.nio.ByteBuffer;
import org.reactivestreams.Publisher;

/**
 * The subscriber {@link ReactiveFiles#write(dev.uring.reactor.Uring, java.nio.file.Path, Publisher, java.nio.file.OpenOption...)}
 * gives the caller's publisher once the file is open (a new file each time).
 */
public class FilesWriteSubscriberTckTest extends CapturedSubscriberVerification<ByteBuffer> {
    @Override
    Publisher<?> consume(Publisher<ByteBuffer> data) {
        return ReactiveFiles.write(fx.uring, fx.newPath(), data);
    }

    @Override
    public ByteBuffer createElement(int element) {
        return ByteBuffer.wrap(new byte[] {(byte) element, 1, 2, 3});
    }
}
