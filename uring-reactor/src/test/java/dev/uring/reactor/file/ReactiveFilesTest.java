package dev.uring.reactor.file;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uring.reactor.TestRuntimes;
import dev.uring.reactor.Uring;
import java.nio.ByteBuffer;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

@Timeout(60)
class ReactiveFilesTest {
    @AutoClose
    static final Uring uring = TestRuntimes.create(2);
    @TempDir
    Path dir;

    @Test
    void writeThenReadAllBytes() throws Exception {
        byte[] data = new byte[300_000];
        new Random(1).nextBytes(data);
        Path p = dir.resolve("w");
        StepVerifier.create(ReactiveFiles.write(uring, p, data)).expectNext((long) data.length).verifyComplete();
        StepVerifier.create(ReactiveFiles.readAllBytes(uring, p)).expectNextMatches(b -> java.util.Arrays.equals(b, data))
                .verifyComplete();
        StepVerifier.create(ReactiveFiles.write(uring, p, Flux.just(ByteBuffer.wrap(new byte[] {9}))))
                .expectNext(1L).verifyComplete();
        assertThat(Files.readAllBytes(p)).containsExactly(9);
    }

    @Test
    void readAllBytesOfAMissingFileIsNoSuchFile() {
        StepVerifier.create(ReactiveFiles.readAllBytes(uring, dir.resolve("missing"))).verifyError(NoSuchFileException.class);
    }

    @Test
    void copyKeepsContentAndRefusesAnExistingTarget() throws Exception {
        byte[] data = new byte[1_000_003];
        new Random(2).nextBytes(data);
        Path src = dir.resolve("src");
        Path dst = dir.resolve("dst");
        Files.write(src, data);
        StepVerifier.create(ReactiveFiles.copy(uring, src, dst, 4)).expectNext((long) data.length).verifyComplete();
        assertThat(Files.readAllBytes(dst)).isEqualTo(data);
        StepVerifier.create(ReactiveFiles.copy(uring, src, dst, 4)).verifyError(FileAlreadyExistsException.class);
        StepVerifier.create(ReactiveFiles.copy(uring, src, dst, 2, StandardCopyOption.REPLACE_EXISTING))
                .expectNext((long) data.length).verifyComplete();
    }

    @Test
    void directoriesMoveDeleteExistsStat() throws Exception {
        Path d = dir.resolve("d");
        StepVerifier.create(ReactiveFiles.createDirectory(uring, d)).verifyComplete();
        StepVerifier.create(ReactiveFiles.createDirectory(uring, d)).verifyError(FileAlreadyExistsException.class);
        StepVerifier.create(ReactiveFiles.stat(uring, d)).expectNextMatches(s -> s.isDirectory()).verifyComplete();
        Path f = d.resolve("f");
        Files.write(f, new byte[7]);
        StepVerifier.create(ReactiveFiles.stat(uring, f)).expectNextMatches(s -> s.isRegularFile() && s.size() == 7)
                .verifyComplete();
        StepVerifier.create(ReactiveFiles.delete(uring, d)).verifyError(DirectoryNotEmptyException.class);
        Path g = d.resolve("g");
        StepVerifier.create(ReactiveFiles.move(uring, f, g)).verifyComplete();
        Files.write(f, new byte[1]);
        StepVerifier.create(ReactiveFiles.move(uring, f, g)).verifyError(FileAlreadyExistsException.class);
        StepVerifier.create(ReactiveFiles.move(uring, f, g, StandardCopyOption.REPLACE_EXISTING)).verifyComplete();
        StepVerifier.create(ReactiveFiles.exists(uring, f)).expectNext(false).verifyComplete();
        StepVerifier.create(ReactiveFiles.exists(uring, g)).expectNext(true).verifyComplete();
        StepVerifier.create(ReactiveFiles.delete(uring, g)).verifyComplete();
        StepVerifier.create(ReactiveFiles.delete(uring, g)).verifyError(NoSuchFileException.class);
        StepVerifier.create(ReactiveFiles.delete(uring, d)).verifyComplete();
        assertThat(Files.exists(d)).isFalse();
        StepVerifier.create(ReactiveFiles.stat(uring, d)).verifyError(NoSuchFileException.class);
    }

    @Test
    void sharedRuntimeWorksAndIgnoresClose() throws Exception {
        Path p = dir.resolve("shared");
        Files.write(p, new byte[] {4, 2});
        Uring.shared().close();
        StepVerifier.create(ReactiveFiles.readAllBytes(p)).expectNextMatches(b -> b.length == 2 && b[1] == 2)
                .verifyComplete();
        assertThat(Uring.shared().isClosed()).isFalse();
    }
}
