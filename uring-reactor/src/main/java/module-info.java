/** io_uring completions as Reactor Mono and Flux: reactive files and sockets. */
module dev.uring.reactor {
    requires transitive dev.uring.core;
    requires transitive reactor.core;
    requires transitive org.reactivestreams;
    requires static org.jspecify;
    requires static reactor.blockhound;
    // metrics (dev.uring.reactor.metrics): optional, present only where the application has Micrometer
    requires static micrometer.core;
    // WebFlux integration (dev.uring.reactor.spring): optional, present only in Spring applications
    requires static spring.core;
    requires static spring.beans;
    requires static spring.context;
    requires static spring.web;
    requires static spring.webflux;
    requires static spring.boot;
    requires static spring.boot.autoconfigure;
    requires static spring.boot.http.codec;
    requires static spring.boot.health;

    exports dev.uring.reactor;
    exports dev.uring.reactor.file;
    exports dev.uring.reactor.tcp;
    exports dev.uring.reactor.udp;
    // dev.uring.reactor.op (the op framework) and dev.uring.reactor.net (receive machinery, buffer
    // rings) are internal: public classes there serve this module's other packages only
    exports dev.uring.reactor.spring;
    exports dev.uring.reactor.metrics;
    opens dev.uring.reactor.spring to spring.core, spring.beans, spring.context;

    provides reactor.blockhound.integration.BlockHoundIntegration
            with dev.uring.reactor.UringBlockHoundIntegration;
}
