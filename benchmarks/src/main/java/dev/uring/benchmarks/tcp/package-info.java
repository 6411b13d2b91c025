/**
 * The echo servers of the TCP ping-pong comparison (issues 6 and 18): reactive-uring's
 * {@link dev.uring.reactor.tcp.TcpServer} with its default loops and with busy poll, Netty 4.2 on epoll
 * (default and busy-wait) and on io_uring (default and with a provided buffer ring), Reactor Netty, and a
 * blocking server on virtual threads. Each is a small main class that binds loopback, prints its port and
 * echoes every byte it receives until it is killed; {@code benchmarks/run-tcp.sh} drives them all with the
 * same C load generator ({@code benchmarks/c/tcp_pingpong.c}) in a separate process.
 */
@NullMarked
package dev.uring.benchmarks.tcp;

import org.jspecify.annotations.NullMarked;
