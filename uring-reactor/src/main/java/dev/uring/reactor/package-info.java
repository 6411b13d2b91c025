/** io_uring completions as Mono and Flux. */
package dev.uring.reactor;
