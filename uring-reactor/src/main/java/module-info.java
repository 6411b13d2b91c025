/** io_uring completions as Reactor Mono and Flux: reactive files and sockets. */
module dev.uring.reactor {
    requires transitive dev.uring.core;
    requires transitive reactor.core;
    requires transitive org.reactivestreams;
    requires static org.jspecify;
}
