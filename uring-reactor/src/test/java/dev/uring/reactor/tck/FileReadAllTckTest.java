package dev.uring.reactor.tck;

import dev.uring.reactor.file.ReactiveFile;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import org.reactivestreams.Publisher;

/**
 * {@link ReactiveFile#readAll(int, int)}: the whole-file read, a file of exactly {@code n} chunks
 * giving {@code n} buffers. Up to 1024 chunks the file is real data; the rule that asks for
 * {@code Integer.MAX_VALUE} elements (3.17) reads a sparse file of 2^24 chunks instead (it cancels
 * after about ten). Refused: reading a closed file (its first READ is refused at subscription, and the
 * read-ahead subscribes it before any request).
 */
public class FileReadAllTckTest extends FluxVerification<ByteBuffer> {
    private static final int CHUNK = 16;

    @Override
    Publisher<ByteBuffer> publisher(long elements) throws Exception {
        Path p = elements <= 1024 ? fx.file((int) elements * CHUNK) : fx.sparseFile(Math.min(elements, 1 << 24) * CHUNK);
        return fx.open(p).readAll(CHUNK, 4);
    }

    @Override
    Publisher<ByteBuffer> failed() throws Exception {
        return fx.closedFile().readAll(CHUNK, 4);
    }
}
