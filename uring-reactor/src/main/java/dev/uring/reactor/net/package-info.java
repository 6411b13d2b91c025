/**
 * Internal (not exported): what TCP and UDP share. The receiving side of a socket
 * ({@link dev.uring.reactor.net.Inbound} over an {@link dev.uring.reactor.net.InboundSource}), each
 * loop's provided buffer rings ({@link dev.uring.reactor.net.RecvBufferPool},
 * {@link dev.uring.reactor.net.SocketRuntime}) and the buffers lent from them, and the SOCKET,
 * BIND, LISTEN, CONNECT and SHUTDOWN ops.
 */
@NullMarked
package dev.uring.reactor.net;

import org.jspecify.annotations.NullMarked;
