package dev.uring.samples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uring.reactor.Uring;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The copy sample on the real kernel: identical bytes, and the progress counter reaches the size. */
@Timeout(60)
class FileCopyTest {
    @TempDir
    Path dir;

    @Test
    void copiesIdenticalBytesAndCountsProgressToTheEnd() throws Exception {
        Path source = FileCopy.demoFile(dir.resolve("src.bin"), (8L << 20) + 123);
        Path target = dir.resolve("dst.bin");
        AtomicLong progress = new AtomicLong();
        try (Uring uring = Uring.create(1)) {
            assertThat(FileCopy.copy(uring, source, target, progress).block()).isEqualTo(Files.size(source));
        }
        assertThat(progress.get()).isEqualTo(Files.size(source));
        assertThat(Files.mismatch(source, target)).isEqualTo(-1);
    }
}
