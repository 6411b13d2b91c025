package dev.uring.benchmarks.stock;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.core.io.FileSystemResource;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

/**
 * A stock Spring Boot WebFlux app serving a directory under {@code /files/**} with
 * {@link RouterFunctions#resources(String, org.springframework.core.io.Resource)}: Spring's own resource
 * lookup and {@code ResourceHttpMessageWriter} (zero-copy sendfile on Reactor Netty over plain HTTP/1.1),
 * nothing of reactive-uring on its classpath. The peer of the io_uring file server in run-webflux.sh.
 *
 * <p>Usage: {@code StockFileServer --stock.root=DIR --server.port=N}.
 */
@SpringBootApplication
public class StockFileServer {
    /** Starts the app. */
    public static void main(String[] args) {
        SpringApplication.run(StockFileServer.class, args);
    }

    /** {@code GET /files/<path>}: the file {@code <path>} under {@code stock.root}. */
    @Bean
    RouterFunction<ServerResponse> files(@Value("${stock.root}") String root) {
        return RouterFunctions.resources("/files/**", new FileSystemResource(root.endsWith("/") ? root : root + "/"));
    }
}
