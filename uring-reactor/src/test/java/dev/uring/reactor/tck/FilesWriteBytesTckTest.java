package dev.uring.reactor.tck;

import dev.uring.reactor.file.ReactiveFiles;
import dev.uring.reactor.Uring;
import java.nio.file.Path;
import org.reactivestreams.Publisher;

/** {@link ReactiveFiles#write(Uring, Path, byte[], java.nio.file.OpenOption...)}: a new file each time. Refused: on a closed runtime. */
public class FilesWriteBytesTckTest extends MonoVerification<Long> {
    private Uring closed;

    @Override
    void prepare() throws Exception {
        closed = Fixture.closedRuntime();
    }

    @Override
    Publisher<Long> value() {
        return ReactiveFiles.write(fx.uring, fx.newPath(), new byte[] {1, 2, 3});
    }

    @Override
    Publisher<Long> failed() {
        return ReactiveFiles.write(closed, fx.newPath(), new byte[] {1, 2, 3});
    }
}
