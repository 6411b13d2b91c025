package dev.uring.samples.fileserver;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uring.reactor.Uring;
import dev.uring.reactor.file.ReactiveFile;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.util.FileSystemUtils;
import reactor.core.publisher.Mono;

/**
 * The file server's confinement is the kernel's, not only its path check: a symbolic link swapped in
 * between the handler's check and the open (the check-then-use gap) gets 403, never the file; and
 * the server's io_uring runtime refuses a plain OPENAT.
 */
@Timeout(60)
@SpringBootTest(classes = FileServerApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "server.address=127.0.0.1")
class FileServerConfinementTest {
    static final Path ROOT = ServerFiles.newRoot();
    static Path outside;

    @LocalServerPort
    int port;
    @Autowired
    Uring uring;

    @DynamicPropertySource
    static void root(DynamicPropertyRegistry registry) {
        registry.add(FileServerApplication.ROOT_PROPERTY, ROOT::toString);
    }

    @BeforeAll
    static void files() throws Exception {
        outside = Files.createTempDirectory("fileserver-outside");
        Files.writeString(outside.resolve("secret.txt"), "TOPSECRET-SWAPPED");
    }

    @AfterAll
    static void clean() throws Exception {
        FileHandler.afterCheck = null;
        FileSystemUtils.deleteRecursively(ROOT);
        FileSystemUtils.deleteRecursively(outside);
    }

    WebTestClient client() {
        return WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + port).responseTimeout(Duration.ofSeconds(30))
                .build();
    }

    /** Runs {@code swap} on the checked path of a request for {@code name}, between check and open. */
    private static void afterCheckOf(String name, Consumer<Path> swap) {
        FileHandler.afterCheck = p -> {
            if (p.getFileName().toString().equals(name)) {
                swap.accept(p);
            }
        };
    }

    private static void replaceWithLink(Path p, Path target) {
        try {
            if (Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                FileSystemUtils.deleteRecursively(p);
            } else {
                Files.delete(p);
            }
            Files.createSymbolicLink(p, target);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aFileServedBeforeTheSwapIsServed() throws Exception {
        Files.writeString(ROOT.resolve("plain.txt"), "inside");
        client().get().uri("/files/plain.txt").exchange().expectStatus().isOk()
                .expectBody(String.class).isEqualTo("inside");
    }

    @Test
    void aSymbolicLinkSwappedInAfterThePathCheckGets403NeverTheFile() throws Exception {
        Files.writeString(ROOT.resolve("swap.txt"), "inside");
        // served once first: the writer keeps it open, and that kept file must not stand in afterwards
        client().get().uri("/files/swap.txt").exchange().expectStatus().isOk().expectBody(String.class).isEqualTo("inside");
        afterCheckOf("swap.txt", p -> replaceWithLink(p, outside.resolve("secret.txt")));
        try {
            client().get().uri("/files/swap.txt").exchange().expectStatus().isForbidden()
                    .expectBody(String.class).value(body -> assertThat(body).doesNotContain("TOPSECRET"));
        } finally {
            FileHandler.afterCheck = null;
        }
        // the link is there now: the path check alone refuses it as well
        client().get().uri("/files/swap.txt").exchange().expectStatus().isForbidden();
    }

    @Test
    void aDirectorySwappedForALinkOutsideAfterTheCheckOfAnUploadGets403AndNothingIsWrittenOutside() throws Exception {
        Files.createDirectories(ROOT.resolve("up"));
        afterCheckOf("new.txt", p -> replaceWithLink(p.getParent(), outside));
        try {
            client().put().uri("/files/up/new.txt").bodyValue("payload").exchange().expectStatus().isForbidden();
        } finally {
            FileHandler.afterCheck = null;
        }
        try (Stream<Path> files = Files.list(outside)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("secret.txt");
        }
    }

    @Test
    void theServersRuntimeRefusesAPlainOpenatAndAllowsAnOpenBeneathTheRoot() throws Exception {
        Files.writeString(ROOT.resolve("direct.txt"), "x");
        Throwable t = ReactiveFile.open(uring, ROOT.resolve("direct.txt")).then(Mono.<Throwable>empty())
                .onErrorResume(Mono::just).block(Duration.ofSeconds(10));
        assertThat(t).isInstanceOf(AccessDeniedException.class);
        ReactiveFile dir = ReactiveFile.open(Uring.shared(), ROOT).block(Duration.ofSeconds(10));
        try {
            ReactiveFile f = ReactiveFile.openBeneath(uring, dir, "direct.txt").block(Duration.ofSeconds(10));
            f.close().block(Duration.ofSeconds(10));
        } finally {
            dir.close().block(Duration.ofSeconds(10));
        }
    }
}
