package dev.uring.samples.noiouring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uring.samples.fileserver.FileServerApplication;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hosts that block io_uring, for real: each application runs in a child JVM under a seccomp filter
 * that fails io_uring_setup with EPERM (the kernel's seccomp, installed by {@link SeccompLauncher}),
 * as Docker's and containerd's default profiles do.
 */
@Timeout(600)
class NoIoUringTest {
    @TempDir
    Path dir;

    private record Child(Process process, Path log) {
        String output() throws IOException {
            return Files.readString(log);
        }

        void stop() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        }
    }

    private Child launch(String mainClass, String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("--enable-native-access=ALL-UNNAMED");
        cmd.add("-Xmx256m");
        cmd.add("-XX:TieredStopAtLevel=1");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(SeccompLauncher.class.getName());
        cmd.add(mainClass);
        cmd.addAll(List.of(args));
        Path log = Files.createTempFile(dir, "child", ".log");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        return new Child(p, log);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** GETs {@code uri} until the child answers (it is still starting) or has exited; null then. */
    private static HttpResponse<String> getWhenUp(Child child, URI uri) throws Exception {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        // generous: a Spring app in a child JVM under emulation (CI's kernel guests) took over 2 minutes
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
        while (System.nanoTime() - deadline < 0) {
            if (!child.process().isAlive()) {
                throw new AssertionError("the application exited (" + child.process().exitValue() + "):\n"
                        + child.output());
            }
            try {
                return client.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(),
                        HttpResponse.BodyHandlers.ofString());
            } catch (IOException notYet) {
                Thread.sleep(200);
            }
        }
        throw new AssertionError("the application did not answer within 300 s:\n" + child.output());
    }

    @Test
    void aPlainWebFluxAppStartsServesStaticFilesAndLogsTheCauseWhenIoUringIsBlocked() throws Exception {
        Path site = Files.createDirectories(dir.resolve("site"));
        Files.writeString(site.resolve("hello.txt"), "served without io_uring");
        int port = freePort();
        Child child = launch(PlainWebFluxApp.class.getName(), "--server.port=" + port, "--server.address=127.0.0.1",
                "--spring.web.resources.static-locations=file:" + site + "/", "--spring.main.banner-mode=off");
        try {
            HttpResponse<String> r = getWhenUp(child, URI.create("http://127.0.0.1:" + port + "/hello.txt"));
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).isEqualTo("served without io_uring");
            String out = child.output();
            assertThat(out).contains("seccomp filter installed");
            List<String> warnings = out.lines().filter(l -> l.contains("reactive-uring is off")).toList();
            assertThat(warnings).as("one WARN line with the cause and the fix, in:\n%s", out).singleElement()
                    .satisfies(l -> assertThat(l).contains("WARN").contains("a seccomp filter refused io_uring_setup")
                            .contains("allow io_uring_setup").contains("reactive-uring.required=true"));
            assertThat(out).as("no stack trace").doesNotContain("\tat ");
        } finally {
            child.stop();
        }
    }

    @Test
    void requiredTrueFailsStartupWithTheCause() throws Exception {
        Child child = launch(PlainWebFluxApp.class.getName(), "--server.port=0", "--server.address=127.0.0.1",
                "--reactive-uring.required=true", "--spring.main.banner-mode=off");
        try {
            assertThat(child.process().waitFor(300, TimeUnit.SECONDS)).as("the application exits").isTrue();
            assertThat(child.process().exitValue()).isNotZero();
            assertThat(child.output()).contains("a seccomp filter refused io_uring_setup").contains("EPERM");
        } finally {
            child.stop();
        }
    }

    @Test
    void plainUringCreateFailsWithTheSameDiagnosis() throws Exception {
        Child child = launch(PlainUringApp.class.getName());
        try {
            assertThat(child.process().waitFor(180, TimeUnit.SECONDS)).as("the program exits").isTrue();
            assertThat(child.process().exitValue()).isEqualTo(3);
            assertThat(child.output()).contains("Uring.create failed: io_uring_setup failed: EPERM")
                    .contains("a seccomp filter refused io_uring_setup").contains("allow io_uring_setup");
        } finally {
            child.stop();
        }
    }

    @Test
    void theMainSampleRefusesToRunWithTheCauseInOneLine() throws Exception {
        Child child = launch(FileServerApplication.class.getName(), dir.toString(), "--server.port=0");
        try {
            assertThat(child.process().waitFor(300, TimeUnit.SECONDS)).as("the sample exits").isTrue();
            assertThat(child.process().exitValue()).isEqualTo(1);
            String out = child.output();
            assertThat(out.lines().filter(l -> l.contains("io_uring")).toList()).as(out)
                    .anySatisfy(l -> assertThat(l).contains("a seccomp filter refused io_uring_setup"));
            assertThat(out).as("no stack trace").doesNotContain("\tat ").doesNotContain("Exception");
        } finally {
            child.stop();
        }
    }
}
