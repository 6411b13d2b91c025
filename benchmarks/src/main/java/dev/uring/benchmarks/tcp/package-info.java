/**
 * The echo servers of the TCP ping-pong comparison (issue 6): reactive-uring's
 * {@link dev.uring.reactor.tcp.TcpServer}, Netty 4.2 on epoll and on io_uring, and Reactor Netty. Each is a
 * small main class that binds loopback, prints its port and echoes every byte it receives until it is
 * killed; {@code benchmarks/run-tcp.sh} drives them all with the same C load generator
 * ({@code benchmarks/c/tcp_pingpong.c}) in a separate process.
 */
@NullMarked
package dev.uring.benchmarks.tcp;

import org.jspecify.annotations.NullMarked;
