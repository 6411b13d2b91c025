package dev.uring.samples.fileserver;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uring.core.files.FixedFileTable;
import dev.uring.reactor.Uring;
import dev.uring.reactor.spring.UringResourceHttpMessageWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.util.FileSystemUtils;

/** {@code reactive-uring.fixed-files}: the server's kept-open files are read through fixed slots, under its policy. */
@Timeout(60)
@SpringBootTest(classes = FileServerApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"server.address=127.0.0.1", "reactive-uring.fixed-files=64"})
class FileServerFixedFilesTest {
    static final Path ROOT = ServerFiles.newRoot();

    @LocalServerPort
    int port;
    @Autowired
    Uring uring;
    @Autowired
    UringResourceHttpMessageWriter writer;

    @DynamicPropertySource
    static void root(DynamicPropertyRegistry registry) {
        registry.add(FileServerApplication.ROOT_PROPERTY, ROOT::toString);
    }

    @BeforeAll
    static void files() throws Exception {
        ServerFiles.randomFile(ROOT.resolve("small.bin"), 4096, 3);
    }

    @AfterAll
    static void clean() throws Exception {
        FileSystemUtils.deleteRecursively(ROOT);
    }

    private static boolean eventually(BooleanSupplier c) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < end) {
            if (c.getAsBoolean()) {
                return true;
            }
            Thread.sleep(10);
        }
        return c.getAsBoolean();
    }

    @Test
    void aFileServedAgainIsReadThroughItsSlotAndGivesItBackWhenTheWriterCloses() throws Exception {
        FixedFileTable table = uring.fixedFileTable();
        assertThat(table).as("the served-root policy allows the table").isNotNull();
        Path out = Files.createTempFile("fixed", ".bin");
        try {
            for (int i = 0; i < 4; i++) {
                assertThat(ServerFiles.curl(out, "--fail", "http://127.0.0.1:" + port + "/files/small.bin")).isZero();
                assertThat(ServerFiles.sha256(out)).isEqualTo(ServerFiles.sha256(ROOT.resolve("small.bin")));
                if (i == 1) {
                    // the second response's READ installed the kept file
                    assertThat(eventually(() -> table.liveFiles() == 1)).isTrue();
                }
            }
        } finally {
            Files.deleteIfExists(out);
        }
        assertThat(uring.fixedFileFallbacks()).isZero();
        writer.close();
        assertThat(eventually(() -> table.slotsInUse() == 0)).as("slot cleared once the kept file closed").isTrue();
    }
}
