package dev.uring.samples.fileserver;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uring.reactor.Uring;
import dev.uring.reactor.spring.UringResourceHttpMessageWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerCodecConfigurer;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.util.FileSystemUtils;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;

/**
 * The file server over a real loopback port with reactive-uring's writer on: curl downloads of
 * 0 B to 256 MiB with checksums, Range requests, concurrent uploads, 404s and refused traversals.
 */
@Timeout(120)
@SpringBootTest(classes = FileServerApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "server.address=127.0.0.1")
class FileServerTest {
    static final Path ROOT = ServerFiles.newRoot();
    static final long BIG = 256L << 20;

    @LocalServerPort
    int port;
    @Autowired
    Uring uring;
    @Autowired
    ServerCodecConfigurer codecs;

    @DynamicPropertySource
    static void root(DynamicPropertyRegistry registry) {
        registry.add(FileServerApplication.ROOT_PROPERTY, ROOT::toString);
    }

    @BeforeAll
    static void files() throws Exception {
        Files.writeString(ROOT.resolve("hello.txt"), "0123456789abcdefghij");
        Files.createDirectories(ROOT.resolve("uploads"));
        Files.createDirectories(ROOT.resolve("sub dir"));
        Files.writeString(ROOT.resolve("sub dir/inner.txt"), "inner");
        for (long size : new long[] {0, 1, 4096, 1 << 20, (1 << 20) + 7, BIG}) {
            ServerFiles.randomFile(ROOT.resolve("f" + size + ".bin"), size, size);
        }
        Path outside = Files.createTempDirectory("fileserver-outside");
        Files.writeString(outside.resolve("secret.txt"), "TOPSECRET-42");
        Files.createSymbolicLink(ROOT.resolve("escape"), outside);
        Files.createSymbolicLink(ROOT.resolve("secret-link.txt"), outside.resolve("secret.txt"));
    }

    @AfterAll
    static void clean() throws Exception {
        FileSystemUtils.deleteRecursively(ROOT);
    }

    String url(String path) {
        return "http://127.0.0.1:" + port + "/files" + path;
    }

    WebTestClient client() {
        // 30 s, not the default 5: the first requests of a JIT-cold server under emulation (CI's kernel guests) take longer
        return WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + port)
                .responseTimeout(java.time.Duration.ofSeconds(30)).build();
    }

    @Test
    void theIoUringWriterIsTheResourceWriterWebFluxUses() {
        assertThat(codecs.getWriters()).filteredOn(w -> w.canWrite(
                org.springframework.core.ResolvableType.forClass(org.springframework.core.io.Resource.class), null))
                .first().isInstanceOf(UringResourceHttpMessageWriter.class);
    }

    @Test
    void curlDownloadsFilesFromZeroTo256MiBWithMatchingChecksums() throws Exception {
        Path out = Files.createTempFile("download", ".bin");
        try {
            for (long size : new long[] {0, 1, 4096, 1 << 20, (1 << 20) + 7, BIG}) {
                Path file = ROOT.resolve("f" + size + ".bin");
                long before = ServerFiles.completions(uring);
                assertThat(ServerFiles.curl(out, "--fail", url("/f" + size + ".bin"))).isZero();
                long ops = ServerFiles.completions(uring) - before;
                assertThat(Files.size(out)).as("size of %s", file).isEqualTo(size);
                assertThat(ServerFiles.sha256(out)).isEqualTo(ServerFiles.sha256(file));
                // stat (handler), reads (open, stat, close the first time): a small body came from the ring
                assertThat(ops).as("ring ops for %d bytes", size).isGreaterThanOrEqualTo(1 + reads(size));
            }
            // again: the file is kept open and the handler's STATX stands in for the writer's, so
            // the handler's STATX and the reads are all
            for (long size : new long[] {4096, 1 << 20, (1 << 20) + 7}) {
                long before = ServerFiles.completions(uring);
                assertThat(ServerFiles.curl(out, "--fail", url("/f" + size + ".bin"))).isZero();
                long ops = ServerFiles.completions(uring) - before;
                assertThat(ServerFiles.sha256(out)).isEqualTo(ServerFiles.sha256(ROOT.resolve("f" + size + ".bin")));
                assertThat(ops).as("ring ops for %d bytes, kept open", size).isEqualTo(1 + reads(size));
            }
        } finally {
            Files.deleteIfExists(out);
        }
    }

    /**
     * READs of a body with the default settings: one up to the zero-copy threshold (64 KiB), none
     * above it (sendfile sends it: FileServerZeroCopyTest).
     */
    private static long reads(long size) {
        return size == 0 || size > UringResourceHttpMessageWriter.DEFAULT_ZERO_COPY_THRESHOLD ? 0 : 1;
    }

    @Test
    void aFileReplacedChangedOrDeletedWhileKeptOpenIsServedAsItIsNow() throws Exception {
        Path f = ROOT.resolve("changing.txt");
        Files.writeString(f, "version 1");
        WebTestClient c = client();
        for (int i = 0; i < 2; i++) {
            c.get().uri("/files/changing.txt").exchange().expectStatus().isOk()
                    .expectBody(String.class).isEqualTo("version 1");
        }
        // renamed over, the same size: a new inode
        Path next = ROOT.resolve(".changing.next");
        Files.writeString(next, "version 2");
        Files.move(next, f, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        c.get().uri("/files/changing.txt").exchange().expectStatus().isOk()
                .expectBody(String.class).isEqualTo("version 2");
        // rewritten in place, longer
        Files.writeString(f, "version three");
        c.get().uri("/files/changing.txt").exchange().expectStatus().isOk()
                .expectHeader().contentLength(13)
                .expectBody(String.class).isEqualTo("version three");
        c.get().uri("/files/changing.txt").header(HttpHeaders.RANGE, "bytes=8-").exchange()
                .expectStatus().isEqualTo(HttpStatus.PARTIAL_CONTENT)
                .expectBody(String.class).isEqualTo("three");
        Files.delete(f);
        c.get().uri("/files/changing.txt").exchange().expectStatus().isNotFound();
    }

    @Test
    void rangeRequestsSingleSuffixOpenEndedMultipleAndUnsatisfiable() {
        WebTestClient c = client();
        c.get().uri("/files/hello.txt").header(HttpHeaders.RANGE, "bytes=2-5").exchange()
                .expectStatus().isEqualTo(HttpStatus.PARTIAL_CONTENT)
                .expectHeader().valueEquals(HttpHeaders.CONTENT_RANGE, "bytes 2-5/20")
                .expectHeader().contentLength(4)
                .expectBody(String.class).isEqualTo("2345");
        c.get().uri("/files/hello.txt").header(HttpHeaders.RANGE, "bytes=-3").exchange()
                .expectStatus().isEqualTo(HttpStatus.PARTIAL_CONTENT)
                .expectHeader().valueEquals(HttpHeaders.CONTENT_RANGE, "bytes 17-19/20")
                .expectBody(String.class).isEqualTo("hij");
        c.get().uri("/files/hello.txt").header(HttpHeaders.RANGE, "bytes=15-").exchange()
                .expectStatus().isEqualTo(HttpStatus.PARTIAL_CONTENT)
                .expectHeader().valueEquals(HttpHeaders.CONTENT_RANGE, "bytes 15-19/20")
                .expectBody(String.class).isEqualTo("fghij");
        String multi = c.get().uri("/files/hello.txt").header(HttpHeaders.RANGE, "bytes=0-1,10-12").exchange()
                .expectStatus().isEqualTo(HttpStatus.PARTIAL_CONTENT)
                .expectHeader().contentTypeCompatibleWith(MediaType.parseMediaType("multipart/byteranges"))
                .expectBody(String.class).returnResult().getResponseBody();
        assertThat(multi).contains("Content-Range: bytes 0-1/20\r\n\r\n01\r\n")
                .contains("Content-Range: bytes 10-12/20\r\n\r\nabc\r\n").endsWith("--");
        c.get().uri("/files/hello.txt").header(HttpHeaders.RANGE, "bytes=20-").exchange()
                .expectStatus().isEqualTo(HttpStatus.REQUESTED_RANGE_NOT_SATISFIABLE)
                .expectHeader().valueEquals(HttpHeaders.CONTENT_RANGE, "bytes */20");
        // a range of the 256 MiB file deep inside it
        byte[] tail = c.get().uri("/files/f" + BIG + ".bin").header(HttpHeaders.RANGE, "bytes=268435000-268435099")
                .exchange().expectStatus().isEqualTo(HttpStatus.PARTIAL_CONTENT)
                .expectBody(byte[].class).returnResult().getResponseBody();
        assertThat(tail).hasSize(100);
    }

    @Test
    void concurrentUploadsLandWithTheirChecksums() throws Exception {
        WebClient web = WebClient.create("http://127.0.0.1:" + port);
        List<byte[]> bodies = new java.util.ArrayList<>();
        for (int i = 0; i < 8; i++) {
            byte[] b = new byte[(1 << 20) + i * 12345];
            new java.util.Random(i).nextBytes(b);
            bodies.add(b);
        }
        List<org.springframework.http.ResponseEntity<String>> replies = Flux.range(0, bodies.size())
                .flatMap(i -> web.put().uri("/files/uploads/u" + i + ".bin")
                        .body(Flux.range(0, 16).map(k -> chunk(bodies.get(i), k, 16)), DataBuffer.class)
                        .retrieve().toEntity(String.class))
                .collectList().block(java.time.Duration.ofSeconds(60));
        assertThat(replies).hasSize(8).allSatisfy(r -> {
            assertThat(r.getStatusCode()).isEqualTo(HttpStatus.CREATED);
            assertThat(r.getBody()).contains("\"bytes\":");
        });
        for (int i = 0; i < bodies.size(); i++) {
            Path f = ROOT.resolve("uploads/u" + i + ".bin");
            assertThat(ServerFiles.sha256(f)).as("upload %d", i).isEqualTo(ServerFiles.sha256(bodies.get(i)));
        }
        try (var left = Files.list(ROOT.resolve("uploads"))) {
            assertThat(left.map(p -> p.getFileName().toString())).noneMatch(n -> n.contains(".upload-"));
        }
        Path out = Files.createTempFile("upload-back", ".bin");
        assertThat(ServerFiles.curl(out, "--fail", "-T", ROOT.resolve("f4096.bin").toString(), url("/uploads/curl.bin"))).isZero();
        assertThat(ServerFiles.sha256(ROOT.resolve("uploads/curl.bin"))).isEqualTo(ServerFiles.sha256(ROOT.resolve("f4096.bin")));
        Files.delete(out);
    }

    private static DataBuffer chunk(byte[] all, int k, int parts) {
        int size = (all.length + parts - 1) / parts;
        int from = Math.min(all.length, k * size);
        int to = Math.min(all.length, from + size);
        return DefaultDataBufferFactory.sharedInstance.wrap(java.util.Arrays.copyOfRange(all, from, to));
    }

    @Test
    void missingPathsAre404AndDirectoriesAreJsonListings() {
        client().get().uri("/files/no-such-file.txt").exchange().expectStatus().isNotFound();
        client().get().uri("/files/no/such/dir/x").exchange().expectStatus().isNotFound();
        client().get().uri(java.net.URI.create("http://127.0.0.1:" + port + "/files/sub%20dir")).exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.entries[0].name").isEqualTo("inner.txt")
                .jsonPath("$.entries[0].size").isEqualTo(5);
    }

    @Test
    void traversalAttemptsAreRefused() throws Exception {
        Path out = Files.createTempFile("traversal", ".txt");
        try {
            for (String attempt : List.of("/../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd", "/%2E%2E%2Fetc%2Fpasswd",
                    "/sub%20dir/../../x", "/./hello.txt", "/escape/secret.txt", "/secret-link.txt", "/..%5c..%5cx")) {
                String code = curlStatus(out, attempt);
                assertThat(code).as(attempt).isEqualTo("403");
                assertThat(Files.readString(out, StandardCharsets.UTF_8)).as(attempt).doesNotContain("TOPSECRET")
                        .doesNotContain("root:x:0");
            }
            assertThat(curlStatus(out, "-T", ROOT.resolve("hello.txt").toString(), "/escape/planted.txt")).isEqualTo("403");
        } finally {
            Files.deleteIfExists(out);
        }
    }

    /** curl's status code for the last argument's path (as is, not normalised), the body in {@code out}. */
    private String curlStatus(Path out, String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of("curl", "-sS", "--path-as-is", "-o", out.toString(),
                "-w", "%{http_code}"));
        cmd.addAll(List.of(args).subList(0, args.length - 1));
        cmd.add(url(args[args.length - 1]));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String code = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
        assertThat(p.waitFor()).isZero();
        return code;
    }
}
