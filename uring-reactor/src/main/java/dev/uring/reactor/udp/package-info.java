/**
 * Datagram sockets on io_uring: {@link dev.uring.reactor.udp.UdpServer} (unconnected),
 * {@link dev.uring.reactor.udp.UdpClient} (connected), {@link dev.uring.reactor.udp.UdpSocket}
 * (a multishot RECVMSG paced by demand into {@link dev.uring.reactor.udp.Datagram}s, ordered sends,
 * multicast) and {@link dev.uring.reactor.udp.UdpOptions}.
 */
@NullMarked
package dev.uring.reactor.udp;

import org.jspecify.annotations.NullMarked;
