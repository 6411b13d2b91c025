package dev.uring.samples.fileserver;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uring.reactor.Uring;
import dev.uring.reactor.spring.UringResourceHttpMessageWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.util.FileSystemUtils;

/**
 * Bodies above the writer's zero-copy threshold go by sendfile from the very file the writer
 * opened (beneath the root), smaller ones through io_uring: byte-identical either way, whole and
 * by range, the path taken counted, and no fd left behind.
 */
@Timeout(120)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@SpringBootTest(classes = FileServerApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "server.address=127.0.0.1")
class FileServerZeroCopyTest {
    static final Path ROOT = ServerFiles.newRoot();
    static final long[] SIZES = {1 << 10, 1 << 20, 64L << 20};

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
        for (long size : SIZES) {
            ServerFiles.randomFile(ROOT.resolve("z" + size + ".bin"), size, size + 1);
        }
    }

    @AfterAll
    static void clean() throws Exception {
        FileSystemUtils.deleteRecursively(ROOT);
    }

    private String url(long size) {
        return "http://127.0.0.1:" + port + "/files/z" + size + ".bin";
    }

    private static Path file(long size) {
        return ROOT.resolve("z" + size + ".bin");
    }

    /** A download with {@code curl}; the body's bytes. */
    private byte[] get(long size, String... extra) throws Exception {
        Path out = Files.createTempFile("zc", ".bin");
        try {
            String[] args = new String[extra.length + 2];
            args[0] = "--fail";
            System.arraycopy(extra, 0, args, 1, extra.length);
            args[args.length - 1] = url(size);
            assertThat(ServerFiles.curl(out, args)).isZero();
            return Files.readAllBytes(out);
        } finally {
            Files.deleteIfExists(out);
        }
    }

    private static long fdsOn(Path file) throws IOException {
        String target = file.toAbsolutePath().toString();
        try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
            return s.filter(fd -> {
                try {
                    return Files.readSymbolicLink(fd).toString().equals(target);
                } catch (IOException e) {
                    return false;
                }
            }).count();
        }
    }

    /** This process's open fds, less the jars the class loaders open lazily (not ours to count). */
    private static long openFds() throws IOException {
        try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
            return s.filter(fd -> {
                try {
                    return !Files.readSymbolicLink(fd).toString().endsWith(".jar");
                } catch (IOException e) {
                    return false; // closed while listed
                }
            }).count();
        }
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

    private static boolean unchecked(java.util.concurrent.Callable<Boolean> c) {
        try {
            return c.call();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    @Order(1)
    void wholeBodiesAreByteIdenticalThroughTheRingAndThroughZeroCopy() throws Exception {
        assertThat(writer.getZeroCopyThreshold()).isEqualTo(UringResourceHttpMessageWriter.DEFAULT_ZERO_COPY_THRESHOLD);
        for (long size : SIZES) {
            byte[] expected = Files.readAllBytes(file(size));
            writer.setZeroCopyThreshold(-1);
            long ring = writer.ringBodies();
            byte[] viaRing = get(size);
            assertThat(writer.ringBodies() - ring).as("%d bytes through the ring", size).isEqualTo(1);
            writer.setZeroCopyThreshold(UringResourceHttpMessageWriter.DEFAULT_ZERO_COPY_THRESHOLD);
            long zero = writer.zeroCopyBodies();
            ring = writer.ringBodies();
            long ops = ServerFiles.completions(uring);
            byte[] viaDefault = get(size);
            ops = ServerFiles.completions(uring) - ops;
            boolean large = size > UringResourceHttpMessageWriter.DEFAULT_ZERO_COPY_THRESHOLD;
            assertThat(writer.zeroCopyBodies() - zero).as("%d bytes by sendfile", size).isEqualTo(large ? 1 : 0);
            assertThat(writer.ringBodies() - ring).as("%d bytes through the ring", size).isEqualTo(large ? 0 : 1);
            // kept open: the handler's STATX, and for a small body its one READ; none for a large one
            assertThat(ops).as("ring ops for %d bytes", size).isEqualTo(large ? 1 : 2);
            assertThat(Arrays.equals(viaRing, expected)).as("%d bytes via the ring", size).isTrue();
            assertThat(Arrays.equals(viaDefault, expected)).as("%d bytes via the default path", size).isTrue();
        }
    }

    @Test
    @Order(2)
    void rangesAreCorrectOnBothPaths() throws Exception {
        long size = 64L << 20;
        byte[] all = Files.readAllBytes(file(size));
        long[][] ranges = {{0, 99}, {100, (1 << 20) + 99}, {size - (3 << 20), size - 1}};
        for (long threshold : new long[] {-1, UringResourceHttpMessageWriter.DEFAULT_ZERO_COPY_THRESHOLD}) {
            writer.setZeroCopyThreshold(threshold);
            for (long[] r : ranges) {
                long zero = writer.zeroCopyBodies();
                byte[] got = get(size, "-r", r[0] + "-" + r[1]);
                assertThat(got).as("range %d-%d, threshold %d", r[0], r[1], threshold)
                        .isEqualTo(Arrays.copyOfRange(all, (int) r[0], (int) r[1] + 1));
                boolean large = threshold >= 0 && r[1] - r[0] + 1 > threshold;
                assertThat(writer.zeroCopyBodies() - zero).isEqualTo(large ? 1 : 0);
            }
            // a suffix range: the last 2 MiB
            byte[] tail = get(size, "-H", "Range: bytes=-" + (2 << 20));
            assertThat(tail).isEqualTo(Arrays.copyOfRange(all, all.length - (2 << 20), all.length));
            // several ranges: one multipart body, read through the ring whatever their size
            long zero = writer.zeroCopyBodies();
            String multi = new String(get(size, "-r", "0-9,1048576-2097151"), java.nio.charset.StandardCharsets.ISO_8859_1);
            assertThat(multi).contains("Content-Range: bytes 0-9/" + size, "Content-Range: bytes 1048576-2097151/" + size);
            assertThat(multi).contains(new String(all, 1048576, 1 << 20, java.nio.charset.StandardCharsets.ISO_8859_1));
            assertThat(writer.zeroCopyBodies()).isEqualTo(zero);
        }
        writer.setZeroCopyThreshold(UringResourceHttpMessageWriter.DEFAULT_ZERO_COPY_THRESHOLD);
    }

    @Test
    @Order(3)
    void nothingIsLeftOpenAfterTheRequests() throws Exception {
        for (long size : SIZES) {
            get(size);
        }
        // each file is kept open once by the writer; the sendfile reopen is closed once sent
        for (long size : SIZES) {
            assertThat(eventually(() -> unchecked(() -> fdsOn(file(size)) == 1))).as("fds on %d", size).isTrue();
        }
        long before = openFds();
        for (int round = 0; round < 3; round++) {
            for (long size : SIZES) {
                get(size);
                get(size, "-r", "10-" + (size - 10));
            }
        }
        assertThat(eventually(() -> unchecked(() -> openFds() == before))).as("fd count back to " + before).isTrue();
        for (long size : SIZES) {
            assertThat(fdsOn(file(size))).isEqualTo(1);
        }
        // closing the writer closes the kept files: none of them open any more
        writer.close();
        for (long size : SIZES) {
            assertThat(eventually(() -> unchecked(() -> fdsOn(file(size)) == 0))).as("fds on %d", size).isTrue();
        }
    }
}
