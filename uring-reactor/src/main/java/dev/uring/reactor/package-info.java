/**
 * io_uring completions as Reactor {@code Mono} and {@code Flux}: the {@link dev.uring.reactor.Uring}
 * runtime, reactive files, TCP and Unix domain sockets ({@link dev.uring.reactor.TcpServer},
 * {@link dev.uring.reactor.TcpClient}, {@link dev.uring.reactor.Connection}), a loop-thread
 * {@code Scheduler} and the BlockHound integration.
 */
@NullMarked
package dev.uring.reactor;

import org.jspecify.annotations.NullMarked;
