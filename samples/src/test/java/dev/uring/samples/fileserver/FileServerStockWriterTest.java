package dev.uring.samples.fileserver;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uring.reactor.Uring;
import dev.uring.reactor.spring.UringResourceHttpMessageWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.core.ResolvableType;
import org.springframework.core.io.Resource;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.codec.ResourceHttpMessageWriter;
import org.springframework.http.codec.ServerCodecConfigurer;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.util.FileSystemUtils;

/** {@code reactive-uring.webflux.enabled=false}: the same server on Spring's stock Resource writer. */
@Timeout(60)
@SpringBootTest(classes = FileServerApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"server.address=127.0.0.1", "reactive-uring.webflux.enabled=false"})
class FileServerStockWriterTest {
    static final Path ROOT = ServerFiles.newRoot();

    @LocalServerPort
    int port;
    @Autowired
    Uring uring;
    @Autowired
    ServerCodecConfigurer codecs;
    @Autowired
    ApplicationContext context;

    @DynamicPropertySource
    static void root(DynamicPropertyRegistry registry) {
        registry.add(FileServerApplication.ROOT_PROPERTY, ROOT::toString);
    }

    @BeforeAll
    static void files() throws Exception {
        ServerFiles.randomFile(ROOT.resolve("1m.bin"), 1 << 20, 7);
    }

    @AfterAll
    static void clean() throws Exception {
        FileSystemUtils.deleteRecursively(ROOT);
    }

    @Test
    void switchedOffTheStockWriterServesAndTheRingReadsNothing() throws Exception {
        assertThat(context.getBeanNamesForType(UringResourceHttpMessageWriter.class)).isEmpty();
        assertThat(codecs.getWriters()).filteredOn(w -> w.canWrite(ResolvableType.forClass(Resource.class), null))
                .first().isExactlyInstanceOf(ResourceHttpMessageWriter.class);
        Path out = Files.createTempFile("stock", ".bin");
        try {
            long before = ServerFiles.completions(uring);
            assertThat(ServerFiles.curl(out, "--fail", "http://127.0.0.1:" + port + "/files/1m.bin")).isZero();
            long ops = ServerFiles.completions(uring) - before;
            assertThat(ServerFiles.sha256(out)).isEqualTo(ServerFiles.sha256(ROOT.resolve("1m.bin")));
            // only the handler's own STATX: the body did not come from the ring (16 reads with it on)
            assertThat(ops).isEqualTo(1);
        } finally {
            Files.deleteIfExists(out);
        }
        WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + port).responseTimeout(java.time.Duration.ofSeconds(30))
                .build()
                .get().uri("/files/1m.bin").header(HttpHeaders.RANGE, "bytes=-10").exchange()
                .expectStatus().isEqualTo(HttpStatus.PARTIAL_CONTENT)
                .expectHeader().valueEquals(HttpHeaders.CONTENT_RANGE, "bytes 1048566-1048575/1048576");
    }
}
