package dev.uring.samples.noiouring;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * A plain Spring Boot WebFlux application: no code of its own, static files from
 * {@code spring.web.resources.static-locations}; reactive-uring is merely on the class path.
 */
@SpringBootApplication
public class PlainWebFluxApp {
    /** Created by Spring. */
    public PlainWebFluxApp() {
    }

    /** Runs the application. */
    public static void main(String[] args) {
        SpringApplication.run(PlainWebFluxApp.class, args);
    }
}
