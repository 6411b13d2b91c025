/**
 * io_uring completions as Reactor {@code Mono} and {@code Flux}: the {@link dev.uring.reactor.Uring}
 * runtime, reactive files, a loop-thread {@code Scheduler} and the BlockHound integration.
 */
@NullMarked
package dev.uring.reactor;

import org.jspecify.annotations.NullMarked;
