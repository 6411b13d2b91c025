package dev.uring.samples.fileserver;

import dev.uring.core.IoUring;
import dev.uring.policy.PolicyScope;
import dev.uring.reactor.Uring;
import dev.uring.reactor.file.ReactiveFile;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.web.reactive.function.server.RequestPredicates;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

/**
 * The main sample: a WebFlux file server whose file bodies and uploads go through io_uring.
 * Nothing here mentions io_uring for the downloads: reactive-uring on the class path is enough
 * (its auto-configuration replaces WebFlux's Resource writer); {@code --reactive-uring.webflux.enabled=false}
 * gives Spring's stock path. Uploads use {@code UringDataBuffers.write} directly.
 *
 * <p>{@code FileServerApplication [root] [--server.port=N] [--spring.property=value...]}: without
 * a root it creates a demo directory; without a port it takes 8080 when free, else an ephemeral one.
 *
 * <p>The server practises what uring-policy preaches: its io_uring runtime is created inside a
 * {@link PolicyScope} of {@link ServedRoot#policy()}, so every ring it uses refuses plain OPENAT (the
 * kernel) and any OPENAT2 that is not RESOLVE_BENEATH under the root; files are opened (by the io_uring
 * writer for downloads, by the handler for uploads) with OPENAT2 relative to the root directory's fd,
 * so a symbolic link swapped in after the handler's path check is refused by the kernel (403), never
 * followed.
 * {@code --fileserver.measure.unconfined=true} turns both off (an unrestricted runtime, files opened by
 * path after the check), for measuring what the confinement costs.
 * {@code --fileserver.stat-trust=1s} (off by default) lets the handler reuse its STATX of a path that
 * long ({@link RecentStats}), as nginx's {@code open_file_cache_valid}: a file served again within it
 * costs no ring op before its body, and one replaced, changed or deleted by someone else is seen up
 * to that late.
 */
@SpringBootApplication
public class FileServerApplication {
    /** The property naming the served directory. */
    static final String ROOT_PROPERTY = "fileserver.root";
    /** The property that runs the server without the served-root policy and confined opens (measuring only). */
    static final String UNCONFINED_PROPERTY = "fileserver.measure.unconfined";
    /** The property giving how long the handler reuses a path's STATX (a Duration; 0, the default: never). */
    static final String STAT_TRUST_PROPERTY = "fileserver.stat-trust";

    /** Created by Spring. */
    public FileServerApplication() {
    }

    @Bean(destroyMethod = "close")
    ServedRoot servedRoot(Environment environment) throws IOException {
        String root = environment.getProperty(ROOT_PROPERTY);
        return new ServedRoot(root == null ? demoDirectory() : Path.of(root));
    }

    /**
     * The io_uring runtime (it takes the place of the auto-configuration's): created inside a scope of
     * the served-root policy, so its loops and every ring on them carry it. With
     * {@code reactive-uring.fixed-files=N} (as the auto-configuration's runtime), files kept open
     * are read through a shared fixed-file table of N slots.
     */
    @Bean(destroyMethod = "close")
    Uring uring(ServedRoot root, Environment environment) throws IOException {
        int loops = environment.getProperty("reactive-uring.loops", Integer.class,
                Runtime.getRuntime().availableProcessors());
        Uring uring = environment.getProperty(UNCONFINED_PROPERTY, Boolean.class, false) ? Uring.create(loops)
                : PolicyScope.call(root.policy(), () -> Uring.create(loops));
        int fixedFiles = environment.getProperty("reactive-uring.fixed-files", Integer.class, 0);
        if (fixedFiles > 0) {
            uring.fixedFiles(fixedFiles);
        }
        return uring;
    }

    @Bean
    RouterFunction<ServerResponse> fileRoutes(ServedRoot root, Uring uring, Environment environment) {
        // the root directory is opened outside the policy (which refuses plain OPENAT), on the shared runtime
        ReactiveFile directory = environment.getProperty(UNCONFINED_PROPERTY, Boolean.class, false) ? null
                : root.directory(Uring.shared());
        FileHandler files = new FileHandler(root, uring, directory,
                environment.getProperty("reactive-uring.webflux.enabled", Boolean.class, true),
                environment.getProperty(InMemoryBodies.PROPERTY, Boolean.class, false) ? new InMemoryBodies() : null,
                environment.getProperty(STAT_TRUST_PROPERTY, java.time.Duration.class, java.time.Duration.ZERO));
        return RouterFunctions.route()
                .GET(FileHandler.PREFIX, files::get)
                .GET(FileHandler.PREFIX + "/**", files::get)
                .HEAD(FileHandler.PREFIX + "/**", files::get)
                .PUT(FileHandler.PREFIX + "/**", files::put)
                .GET("/", request -> ServerResponse.temporaryRedirect(
                        request.uriBuilder().replacePath(FileHandler.PREFIX + "/").build()).build())
                .build()
                .and(RouterFunctions.route(RequestPredicates.all(),
                        request -> FileHandler.error(org.springframework.http.HttpStatus.NOT_FOUND,
                                "no route: " + request.path())));
    }

    /** Starts the server; see the class comment for the arguments. */
    public static void main(String[] args) throws IOException {
        if (!IoUring.isAvailable()) {
            // this sample writes uploads through io_uring itself: say why it cannot run, in one line
            Throwable cause = IoUring.unavailabilityCause();
            System.err.println("reactive-uring file server: io_uring is unusable on this host, so it cannot run: "
                    + (cause == null ? "unknown cause" : cause.getMessage()));
            System.exit(1);
        }
        Map<String, Object> defaults = new HashMap<>();
        String root = null;
        for (String a : args) {
            if (!a.startsWith("--")) {
                root = a;
            }
        }
        if (root != null) {
            defaults.put(ROOT_PROPERTY, root);
        }
        boolean portGiven = false;
        for (String a : args) {
            portGiven |= a.startsWith("--server.port=");
        }
        if (!portGiven) {
            defaults.put("server.port", portFree(8080) ? 8080 : 0);
        }
        defaults.put("server.address", "127.0.0.1");
        defaults.put("spring.main.banner-mode", "off");
        SpringApplication app = new SpringApplication(FileServerApplication.class);
        app.setDefaultProperties(defaults);
        ConfigurableApplicationContext context = app.run(args);
        printUsage(context);
    }

    private static boolean portFree(int port) {
        try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort() == port;
        } catch (IOException e) {
            return false;
        }
    }

    private static void printUsage(ConfigurableApplicationContext context) {
        Environment env = context.getEnvironment();
        String base = "http://127.0.0.1:" + env.getProperty("local.server.port");
        String url = base + FileHandler.PREFIX;
        ServedRoot root = context.getBean(ServedRoot.class);
        boolean uring = env.getProperty("reactive-uring.webflux.enabled", Boolean.class, true);
        System.out.printf("""

                reactive-uring file server: %s  (serving %s, file bodies through %s)
                try:
                  curl -s %s/                                  # JSON listing of the root
                  curl -s %s/hello.txt
                  curl -s -H 'Range: bytes=0-4' %s/hello.txt    # 206, 5 bytes
                  curl -s -H 'Range: bytes=-3' %s/hello.txt     # the last 3 bytes
                  curl -s -o /dev/null -w '%%{http_code} %%{size_download}\\n' %s/1m.bin
                  echo hello | curl -s -T - %s/uploads/hello.txt   # PUT, streamed to disk through io_uring
                  curl -s --path-as-is %s/../etc/passwd          # 403: confined to the root
                  curl -s %s/actuator/health                     # every loop answers through its ring
                  curl -s %s/actuator/metrics | grep -o '"reactive[.]uring[.][a-z.]*"'   # our metrics
                stop with Ctrl-C
                %n""", url, root.path(), uring ? "io_uring" : "Spring's stock writer",
                url, url, url, url, url, url, url, base, base);
    }

    /** A demo directory with a text file, 4 KiB and 1 MiB files of random bytes, and an uploads folder. */
    static Path demoDirectory() throws IOException {
        Path dir = Path.of(System.getProperty("java.io.tmpdir"), "reactive-uring-demo");
        Files.createDirectories(dir.resolve("uploads"));
        Files.writeString(dir.resolve("hello.txt"), "Hello from io_uring, through Spring WebFlux!\n");
        Random random = new Random(42);
        for (var e : Map.of("4k.bin", 4096, "1m.bin", 1 << 20).entrySet()) {
            byte[] data = new byte[e.getValue()];
            random.nextBytes(data);
            Files.write(dir.resolve(e.getKey()), data);
        }
        return dir;
    }
}
