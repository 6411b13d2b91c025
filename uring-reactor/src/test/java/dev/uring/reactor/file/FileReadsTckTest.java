package dev.uring.reactor.file;

import dev.uring.reactor.TestRuntimes;
import dev.uring.reactor.Uring;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.reactivestreams.Publisher;
import org.reactivestreams.tck.PublisherVerification;
import org.reactivestreams.tck.TestEnvironment;
import org.testng.annotations.AfterClass;
import reactor.core.publisher.Flux;

/**
 * The Reactive Streams TCK over {@link ReactiveFile#read(Publisher, int, int)}: each publisher reads
 * {@code n} positions of a small file, its chunks copied out and released (as a subscriber must),
 * so that the stream's buffers keep turning. The failed publisher is a stream on a closed file.
 * TestNG, run by the JUnit Platform's TestNG engine.
 */
public class FileReadsTckTest extends PublisherVerification<ByteBuffer> {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private final Uring uring = TestRuntimes.create(1);
    private final Path path;
    private final ReactiveFile file;

    public FileReadsTckTest() throws IOException {
        super(new TestEnvironment(2000, 200));
        path = Files.createTempFile("tck-reads", ".bin");
        byte[] data = new byte[4096];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) i;
        }
        Files.write(path, data);
        file = ReactiveFile.open(uring, path).block(WAIT);
    }

    @Override
    public Publisher<ByteBuffer> createPublisher(long elements) {
        Flux<Long> positions = Flux.range(0, (int) Math.min(elements, Integer.MAX_VALUE)).map(i -> (long) (i % 256) * 16);
        return file.read(positions, 16, 4).map(c -> {
            try {
                ByteBuffer copy = ByteBuffer.allocate(c.buffer().remaining());
                copy.put(c.buffer()).flip();
                return copy;
            } finally {
                c.release();
            }
        });
    }

    @Override
    public Publisher<ByteBuffer> createFailedPublisher() {
        ReactiveFile closed = ReactiveFile.open(uring, path).block(WAIT);
        closed.close().block(WAIT);
        return closed.read(Flux.just(0L), 16, 1).map(FileChunk::buffer);
    }

    @AfterClass
    public void close() throws IOException {
        file.close().block(WAIT);
        uring.close();
        Files.deleteIfExists(path);
    }
}
