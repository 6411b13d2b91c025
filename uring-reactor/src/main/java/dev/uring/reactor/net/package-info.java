/**
 * Internal (not exported): what TCP and UDP share. How a socket is made
 * ({@link dev.uring.reactor.net.SocketSetup}: SOCKET, options, bind/listen/connect, adopt) and how
 * it closes ({@link dev.uring.reactor.net.SocketClose}); the receiving side
 * ({@link dev.uring.reactor.net.Inbound} over an {@link dev.uring.reactor.net.InboundSource}) with
 * each loop's provided buffer rings ({@link dev.uring.reactor.net.RecvBufferPool},
 * {@link dev.uring.reactor.net.SocketRuntime}) and the buffers lent from them; the sending side
 * (one {@link dev.uring.reactor.net.SendOp}, SEND or SENDMSG, zero-copy or not, whose memory comes
 * from the loop's {@link dev.uring.reactor.net.SendBuffers}); and the SOCKET, BIND, LISTEN, CONNECT
 * and SHUTDOWN ops.
 */
@NullMarked
package dev.uring.reactor.net;

import org.jspecify.annotations.NullMarked;
