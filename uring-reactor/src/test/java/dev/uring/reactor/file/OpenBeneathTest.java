package dev.uring.reactor.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.uring.reactor.TestRuntimes;
import dev.uring.reactor.Uring;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** OPENAT2 with RESOLVE_BENEATH: the kernel keeps the lookup under the directory, symbolic links included. */
@Timeout(30)
class OpenBeneathTest {
    @AutoClose
    static final Uring uring = TestRuntimes.create(1);

    @TempDir
    Path root;
    @TempDir
    Path outside;

    private static Throwable failure(reactor.core.publisher.Mono<?> m) {
        Throwable t = m.then(reactor.core.publisher.Mono.<Throwable>empty()).onErrorResume(reactor.core.publisher.Mono::just)
                .block(Duration.ofSeconds(10));
        assertThat(t).as("must fail").isNotNull();
        return t;
    }

    private ReactiveFile dir() {
        return ReactiveFile.open(uring, root).block(Duration.ofSeconds(10));
    }


    @Test
    void opensAFileBeneathTheDirectoryAndCreatesOne() throws Exception {
        Files.createDirectories(root.resolve("a"));
        Files.writeString(root.resolve("a/b.txt"), "inside");
        ReactiveFile dir = dir();
        try {
            ReactiveFile f = ReactiveFile.openBeneath(uring, dir, "a/b.txt").block(Duration.ofSeconds(10));
            java.nio.ByteBuffer buf = f.read(0, 64).block(Duration.ofSeconds(10));
            f.close().block(Duration.ofSeconds(10));
            byte[] bytes = new byte[buf.remaining()];
            buf.get(bytes);
            assertThat(new String(bytes, StandardCharsets.UTF_8)).isEqualTo("inside");
            ReactiveFile created = ReactiveFile.openBeneath(uring, dir, "a/new.txt", StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE).block(Duration.ofSeconds(10));
            created.close().block(Duration.ofSeconds(10));
            assertThat(root.resolve("a/new.txt")).exists();
            assertThat(failure(ReactiveFile.openBeneath(uring, dir, "missing.txt"))).isInstanceOf(NoSuchFileException.class);
        } finally {
            dir.close().block(Duration.ofSeconds(10));
        }
    }

    @Test
    void theKernelRefusesASymbolicLinkOrDotDotLeadingOutOfTheDirectory() throws Exception {
        Files.writeString(outside.resolve("secret.txt"), "SECRET");
        Files.createSymbolicLink(root.resolve("link.txt"), outside.resolve("secret.txt"));
        Files.createSymbolicLink(root.resolve("escape"), outside);
        Files.createSymbolicLink(root.resolve("abs"), Path.of("/etc"));
        ReactiveFile dir = dir();
        try {
            for (String p : new String[] {"link.txt", "escape/secret.txt", "../" + outside.getFileName() + "/secret.txt",
                    "abs/hostname"}) {
                assertThat(failure(ReactiveFile.openBeneath(uring, dir, p))).as(p).isInstanceOf(FileSystemException.class)
                        .hasMessageContaining("EXDEV");
            }
            assertThatThrownBy(() -> ReactiveFile.openBeneath(uring, dir, "/etc/hostname"))
                    .isInstanceOf(IllegalArgumentException.class);
        } finally {
            dir.close().block(Duration.ofSeconds(10));
        }
    }
}
