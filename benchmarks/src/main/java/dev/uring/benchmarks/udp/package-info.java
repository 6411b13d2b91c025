/**
 * The UDP request/response comparison (issue 21): echo servers on reactive-uring's
 * {@link dev.uring.reactor.udp.UdpServer} and on Netty 4.2's epoll and io_uring datagram channels, each a
 * main class that binds loopback, prints its port and sends every datagram back to its sender until
 * it is killed; {@code benchmarks/run-udp.sh} drives them with the same C load generator
 * ({@code benchmarks/c/udp_pingpong.c}) in a separate process. {@link dev.uring.benchmarks.udp.ZeroCopySendBenchmark}
 * is the JMH comparison of zero-copy and plain sends.
 */
@NullMarked
package dev.uring.benchmarks.udp;

import org.jspecify.annotations.NullMarked;
