/**
 * The reactive io_uring runtime: {@link dev.uring.reactor.Uring} (the loops, policy routing, the
 * timers and ticks, the resources closed with it), a loop-thread {@code Scheduler}, the loop
 * threads' Reactor {@code NonBlocking} marker and the BlockHound integration. It knows no file or
 * socket class: those live in {@code .file}, {@code .tcp} and {@code .udp} and register what must be
 * closed with the runtime in its resource registry. The op framework underneath is the internal
 * {@code dev.uring.reactor.op}.
 */
@NullMarked
package dev.uring.reactor;

import org.jspecify.annotations.NullMarked;
