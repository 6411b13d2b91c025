/** io_uring completions as Reactor Mono and Flux: reactive files and sockets. */
module dev.uring.reactor {
    requires transitive dev.uring.core;
    requires transitive reactor.core;
    requires transitive org.reactivestreams;
    requires static org.jspecify;
    requires static reactor.blockhound;

    exports dev.uring.reactor;

    provides reactor.blockhound.integration.BlockHoundIntegration
            with dev.uring.reactor.UringBlockHoundIntegration;
}
