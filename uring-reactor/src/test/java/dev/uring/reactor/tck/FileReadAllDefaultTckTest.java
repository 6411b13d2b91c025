package dev.uring.reactor.tck;

import dev.uring.reactor.file.ReactiveFile;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import org.reactivestreams.Publisher;

/**
 * {@link ReactiveFile#readAll()}: 64 KiB chunks, 4 deep, over files of {@code n} whole chunks (up to
 * 32; past that a sparse file, of at most 2^16 chunks: the rule that asks for
 * {@code Integer.MAX_VALUE} elements (3.17) cancels after about ten).
 */
public class FileReadAllDefaultTckTest extends FluxVerification<ByteBuffer> {
    @Override
    Publisher<ByteBuffer> publisher(long elements) throws Exception {
        long size = Math.min(elements, 1 << 16) * ReactiveFile.DEFAULT_CHUNK;
        Path p = elements <= 32 ? fx.file((int) size) : fx.sparseFile(size);
        return fx.open(p).readAll();
    }

    @Override
    Publisher<ByteBuffer> failed() throws Exception {
        return fx.closedFile().readAll();
    }
}
