/**
 * Stream sockets (TCP over IPv4 and IPv6, Unix domain sockets) on io_uring:
 * {@link dev.uring.reactor.tcp.TcpServer} (a multishot ACCEPT handing connections to the loops),
 * {@link dev.uring.reactor.tcp.TcpClient}, {@link dev.uring.reactor.tcp.Connection} (receive paced by
 * demand into the loop's buffer ring as {@link dev.uring.reactor.tcp.ReceivedBuffer}s, send with
 * backpressure) and {@link dev.uring.reactor.tcp.TcpOptions}.
 */
@NullMarked
package dev.uring.reactor.tcp;

import org.jspecify.annotations.NullMarked;
