package dev.uring.samples.fileserver;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uring.reactor.Uring;
import java.io.OutputStream;
import java.net.URI;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.http.HttpMethod;
import org.springframework.mock.web.reactive.function.server.MockServerRequest;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.util.FileSystemUtils;

/** The main sample as an operator meets it: Actuator's health and metrics, and uploads a client aborts. */
@Timeout(120)
@SpringBootTest(classes = FileServerApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "server.address=127.0.0.1")
class FileServerProductionTest {
    static final Path ROOT = ServerFiles.newRoot();

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
        Files.writeString(ROOT.resolve("hello.txt"), "hello");
    }

    @AfterAll
    static void clean() throws Exception {
        FileSystemUtils.deleteRecursively(ROOT);
    }

    WebTestClient client() {
        return WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + port).build();
    }

    @Test
    void actuatorHealthIsUpWithEveryLoopAnsweringThroughItsRing() {
        client().get().uri("/actuator/health").exchange().expectStatus().isOk().expectBody()
                .jsonPath("$.status").isEqualTo("UP")
                .jsonPath("$.components.uring.status").isEqualTo("UP")
                .jsonPath("$.components.uring.details.runtime").isEqualTo(uring.name())
                .jsonPath("$.components.uring.details.loops.length()").isEqualTo(uring.group().size())
                .jsonPath("$.components.uring.details.loops.loop-0.ring").isEqualTo("ok");
    }

    @Test
    void actuatorMetricsListTheRuntimesMetersAndCountTheReads() {
        client().get().uri("/files/hello.txt").exchange().expectStatus().isOk().expectBody(String.class).isEqualTo("hello");
        client().get().uri("/actuator/metrics").exchange().expectStatus().isOk().expectBody()
                .jsonPath("$.names").value(names -> assertThat(((List<?>) names).stream().map(String::valueOf).toList()).contains(
                        "reactive.uring.ops.submitted", "reactive.uring.ops.completed", "reactive.uring.ops.errors",
                        "reactive.uring.ops.in.flight", "reactive.uring.submit.calls", "reactive.uring.cq.overflows",
                        "reactive.uring.loop.busy.time", "reactive.uring.loop.idle.time", "reactive.uring.loop.tasks",
                        "reactive.uring.recv.buffers.exhausted"));
        client().get().uri("/actuator/metrics/reactive.uring.ops.completed?tag=op:READ").exchange()
                .expectStatus().isOk().expectBody()
                .jsonPath("$.measurements[0].value").value(v -> assertThat(((Number) v).doubleValue()).isPositive());
    }

    private static List<Path> uploads() throws Exception {
        try (Stream<Path> s = Files.list(ROOT)) {
            return s.filter(FileHandler::isUpload).toList();
        }
    }

    /** reset: the client's connection is reset (RST); close: it closes its side (FIN) and goes. */
    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void anUploadDroppedMidBodyLeavesNoTempFileAndTheOldFileIntact(boolean reset) throws Exception {
        Path kept = Files.writeString(ROOT.resolve("kept.txt"), "the old content");
        try (Socket s = new Socket("127.0.0.1", port)) {
            OutputStream out = s.getOutputStream();
            out.write(("PUT /files/kept.txt HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/octet-stream\r\n"
                    + "Content-Length: " + (64 << 20) + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(new byte[256 * 1024]);
            out.flush();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (uploads().isEmpty() && System.nanoTime() - deadline < 0) {
                Thread.sleep(10);
            }
            List<Path> inProgress = uploads();
            assertThat(inProgress).as("the upload's temporary file, while it runs").hasSize(1);
            // an upload in progress is neither listed nor served
            client().get().uri("/files/").exchange().expectStatus().isOk().expectBody(String.class)
                    .value(listing -> assertThat(listing).contains("kept.txt").doesNotContain(".upload-"));
            client().get().uri("/files/" + inProgress.get(0).getFileName()).exchange().expectStatus().isNotFound();
            if (reset) {
                s.setSoLinger(true, 0); // the client drops the connection mid-body with a reset
            }
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!uploads().isEmpty() && System.nanoTime() - deadline < 0) {
            Thread.sleep(10);
        }
        assertThat(uploads()).as("temporary files left behind").isEmpty();
        assertThat(Files.readString(kept)).isEqualTo("the old content");
        // and the server goes on
        client().get().uri("/files/kept.txt").exchange().expectStatus().isOk().expectBody(String.class)
                .isEqualTo("the old content");
    }

    @Test
    void anUploadWhoseResponseIsCancelledMidBodyDeletesItsTempFile() throws Exception {
        Path kept = Files.writeString(ROOT.resolve("cancelled.txt"), "the old content");
        // a body that sends one buffer, then waits: the response is cancelled while the upload runs
        Flux<DataBuffer> body = Flux.concat(Mono.fromSupplier(() -> DefaultDataBufferFactory.sharedInstance.wrap(new byte[4096])),
                Flux.never());
        MockServerRequest request = MockServerRequest.builder().method(HttpMethod.PUT)
                .uri(URI.create("http://127.0.0.1/files/cancelled.txt")).body(body);
        // as the application builds it: its runtime is confined to the root, uploads open beneath the root's fd
        ServedRoot served = new ServedRoot(ROOT);
        FileHandler handler = new FileHandler(served, uring, served.directory(Uring.shared()), true, null);
        Disposable response = handler.put(request).subscribe();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (uploads().isEmpty() && System.nanoTime() - deadline < 0) {
            Thread.sleep(10);
        }
        assertThat(uploads()).as("the upload's temporary file, while it runs").hasSize(1);
        response.dispose();
        deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!uploads().isEmpty() && System.nanoTime() - deadline < 0) {
            Thread.sleep(10);
        }
        assertThat(uploads()).as("temporary files left behind").isEmpty();
        assertThat(Files.readString(kept)).isEqualTo("the old content");
        served.directory(Uring.shared()).close().block();
    }

    @Test
    void aCompletedUploadReplacesTheFileAndLeavesNoTempFile() throws Exception {
        client().put().uri("/files/new.txt").bodyValue("new content").exchange().expectStatus().isCreated();
        assertThat(Files.readString(ROOT.resolve("new.txt"))).isEqualTo("new content");
        assertThat(uploads()).isEmpty();
    }
}
