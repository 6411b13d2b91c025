package dev.uring.reactor.udp;

import dev.uring.core.Errors;
import dev.uring.core.MsgHdr;
import dev.uring.core.MulticastGroups;
import dev.uring.core.SocketAddresses;
import dev.uring.core.SocketNames;
import dev.uring.core.loop.EventLoop;
import dev.uring.reactor.Uring;
import dev.uring.reactor.net.ConnectionClosedException;
import dev.uring.reactor.net.Inbound;
import dev.uring.reactor.net.MonoSendStream;
import dev.uring.reactor.net.RecvBufferPool;
import dev.uring.reactor.net.SendBuffers;
import dev.uring.reactor.net.SendOp;
import dev.uring.reactor.net.SendingSocket;
import dev.uring.reactor.net.SocketClose;
import dev.uring.reactor.net.SocketRuntime;
import dev.uring.reactor.op.Errnos;
import dev.uring.reactor.op.FileHandle;
import dev.uring.reactor.op.OpRuntime;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.PortUnreachableException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.NotYetConnectedException;
import java.util.Objects;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * One datagram socket (UDP over IPv4 or IPv6), bound by {@link UdpServer#bind} or connected by
 * {@link UdpClient#connect}, served by one loop of its {@link Uring}: every op of the socket runs
 * there, and signals arrive on that loop's thread (never block in them).
 *
 * <p>Inbound, {@link #receive()} is fed by a multishot RECVMSG into the loop's provided buffer ring,
 * armed only while the subscriber has demand; each {@link Datagram} carries its sender and whether
 * it was truncated. Outbound, the send methods write one datagram per buffer, in order, one op in
 * flight at a time (backpressure: the next buffer is requested when the kernel took the last one).
 * {@link #dispose()} (or {@link #close()}) cancels the ops in flight and closes the socket once no
 * op holds it. The socket's msghdr template lives in an arena this socket closes after the fd.
 */
public final class UdpSocket implements Disposable {
    /** The most sends {@link #sendReceived} has in flight (and datagrams it requests ahead). */
    public static final int SEND_RECEIVED_WINDOW = 64;

    private final OpRuntime uring;
    private final EventLoop loop;
    private final FileHandle handle;
    private final Arena arena;
    private final Inbound<Datagram> inbound;
    private final SocketAddress local;
    private final @Nullable SocketAddress remote;
    private final SocketClose closing;

    private final SendingSocket sending;

    private UdpSocket(OpRuntime uring, EventLoop loop, FileHandle handle, RecvBufferPool pool,
            SendBuffers sends, UdpOptions options, SocketAddress local, @Nullable SocketAddress remote) {
        this.uring = uring;
        this.loop = loop;
        this.handle = handle;
        this.local = local;
        this.remote = remote;
        this.arena = Arena.ofShared();
        MsgHdr template = MsgHdr.multishotTemplate(arena, DatagramReceive.NAME_ROOM, 0);
        this.inbound = new Inbound<>(new DatagramReceive(this, template), loop, pool);
        this.sending = new SendingSocket(this, handle, sends, options.zeroCopyThreshold(), remote, () -> { }, this::error);
        // the arena holds the multishot RECVMSG template: no op reads it once the fd is closed
        this.closing = new SocketClose(this, uring, loop, handle, inbound, () -> { }, arena::close);
    }

    /**
     * A socket over the bound (and, with {@code connected}, connected) datagram socket of
     * {@code handle}, on {@code loop}: takes the loop's buffer pool (registered on first use). Loop
     * thread; on failure the caller still owns the fd.
     */
    static UdpSocket open(OpRuntime uring, EventLoop loop, FileHandle handle, UdpOptions options,
            boolean connected) throws IOException {
        int fd = handle.fd();
        SocketRuntime sockets = SocketRuntime.of(uring);
        RecvBufferPool pool = sockets.pool(loop, options.ringBufferSize(), options.readBufferCount());
        UdpSocket s = new UdpSocket(uring, loop, handle, pool, sockets.sendBuffers(loop), options,
                SocketNames.local(fd), connected ? SocketNames.peer(fd) : null);
        s.closing.track();
        return s;
    }

    /**
     * The datagrams received, in the order the kernel queued them, each lent from the loop's buffer
     * ring (release each one). Receiving stops while the subscriber has no demand (datagrams then
     * queue in the socket, up to SO_RCVBUF, past which the kernel drops them, as UDP does); the few
     * that race the stop are kept for the next request, none is dropped here. Completes when the
     * socket closes; fails with an {@link IOException} when receiving fails (on a connected socket,
     * {@link PortUnreachableException} when the peer's port is closed). One subscriber at a time;
     * datagrams received after a cancel are kept for the next subscriber.
     */
    public Flux<Datagram> receive() {
        return inbound;
    }

    /**
     * Sends each buffer of {@code data} as one datagram to the connected peer, in order; completes
     * when all were handed to the kernel. Fails with {@link NotYetConnectedException} on a socket
     * that is not connected, with an {@link IOException} when the kernel refuses a datagram (EMSGSIZE
     * past the largest datagram, {@link PortUnreachableException} after the peer's port refused an
     * earlier one), with {@link ClosedChannelException} when this side closed. A direct buffer is sent
     * in place (leave it alone until the Mono terminates); a heap buffer is copied. Cold.
     */
    public Mono<Void> send(Publisher<? extends ByteBuffer> data) {
        Objects.requireNonNull(data, "data");
        if (remote == null) {
            return Mono.error(new NotYetConnectedException());
        }
        return sendEach(data, b -> SendOp.of(sending, b, null));
    }

    /** Sends each buffer of {@code data} as one datagram to {@code recipient}; otherwise as {@link #send}. */
    public Mono<Void> sendTo(SocketAddress recipient, Publisher<? extends ByteBuffer> data) {
        Objects.requireNonNull(recipient, "recipient");
        Objects.requireNonNull(data, "data");
        SocketAddresses.family(recipient); // an unresolved or unsupported address fails at assembly
        return sendEach(data, b -> SendOp.of(sending, b, recipient));
    }

    /** Sends each datagram of {@code datagrams} to its own recipient, in order; otherwise as {@link #send}. */
    public Mono<Void> sendDatagrams(Publisher<OutboundDatagram> datagrams) {
        Objects.requireNonNull(datagrams, "datagrams");
        return sendEach(datagrams, d -> SendOp.of(sending, d.content(), d.recipient()));
    }

    /** Sends {@code items} one after another, each as the op {@code send} makes; one requested at a time. */
    private <T> Mono<Void> sendEach(Publisher<? extends T> items, Function<? super T, SendOp> send) {
        return new MonoSendStream<T>(uring, loop, sending, items, send, item -> { }, 1, 1);
    }

    /**
     * Sends each received datagram back to its sender (an echo, a reflector) without a copy: from
     * the ring memory it arrived in, with the sender's address as the kernel wrote it; each one is
     * released after its send, also when the send fails or is cancelled. Up to
     * {@value #SEND_RECEIVED_WINDOW} sends are in flight, prepared in arrival order and submitted
     * together (the replies to a burst from many peers go out in one io_uring_enter); the kernel
     * keeps that order unless the socket's send buffer is full. As many datagrams are requested
     * ahead, so that the multishot RECVMSG stays armed while replies are in flight; a stalled
     * socket holds at most that many of the loop's buffers.
     */
    public Mono<Void> sendReceived(Publisher<Datagram> received) {
        Objects.requireNonNull(received, "received");
        return new MonoSendStream<Datagram>(uring, loop, sending, received,
                d -> SendOp.of(sending, d.payload(), d.sender(), d.name().byteSize() >= 2 ? d.name() : null),
                Datagram::release, SEND_RECEIVED_WINDOW, SEND_RECEIVED_WINDOW);
    }

    /**
     * Joins multicast {@code group} on {@code iface} (null: the interface the kernel routes the
     * group to) with IP_ADD_MEMBERSHIP or IPV6_ADD_MEMBERSHIP; datagrams sent to the group and this
     * socket's port then arrive in {@link #receive()}. An IPv4 group needs an IPv4 socket, an IPv6
     * group an IPv6 one. Fails with an {@link IOException} when the kernel refuses (no such
     * interface, already a member, no multicast route).
     */
    public Mono<Void> joinGroup(InetAddress group, @Nullable NetworkInterface iface) {
        return membership(group, iface, true);
    }

    /** Leaves multicast {@code group} on {@code iface}, as joined by {@link #joinGroup}. */
    public Mono<Void> leaveGroup(InetAddress group, @Nullable NetworkInterface iface) {
        return membership(group, iface, false);
    }

    private Mono<Void> membership(InetAddress group, @Nullable NetworkInterface iface, boolean join) {
        Objects.requireNonNull(group, "group");
        if (!group.isMulticastAddress()) {
            return Mono.error(new IllegalArgumentException(group + " is not a multicast address"));
        }
        int index = iface == null ? 0 : iface.getIndex();
        // setsockopt assigns socket state and never blocks: it may run on the caller's thread
        return Mono.<Void>fromCallable(() -> {
            try {
                handle.acquire();
            } catch (RuntimeException e) {
                throw closedOr(e);
            }
            try {
                if (join) {
                    MulticastGroups.join(handle.fd(), group, index);
                } else {
                    MulticastGroups.leave(handle.fd(), group, index);
                }
                return null;
            } finally {
                handle.release();
            }
        });
    }

    /** The ClosedChannelException a refused handle reference carries (wrapped by Reactor), or {@code e}. */
    private static Exception closedOr(RuntimeException e) {
        Throwable t = reactor.core.Exceptions.unwrap(e);
        return t instanceof Exception x ? x : e;
    }

    /** Closes the socket, like {@link #dispose()}, and completes once its fd is closed. */
    public Mono<Void> close() {
        return closing.close();
    }

    /**
     * Begins closing: receiving and sending are cancelled in the kernel, the inbound Flux completes,
     * and the fd is closed once no op holds it. Idempotent, any thread.
     */
    @Override
    public void dispose() {
        closing.dispose();
    }

    /** Whether closing has begun. */
    @Override
    public boolean isDisposed() {
        return closing.isDisposed();
    }

    /** Completes once the socket's fd is closed. */
    public Mono<Void> onClose() {
        return closing.onClose();
    }

    /** The local address of the socket (with the port the kernel picked for port 0). */
    public SocketAddress localAddress() {
        return local;
    }

    /** The connected peer, or null for an unconnected socket. */
    public @Nullable SocketAddress remoteAddress() {
        return remote;
    }

    /** Whether the socket is connected to one peer. */
    public boolean isConnected() {
        return remote != null;
    }

    FileHandle handle() {
        return handle;
    }

    SocketAddress remoteOrUnknown() {
        SocketAddress r = remote;
        return r != null ? r : new InetSocketAddress(0);
    }

    /** The buffers this socket's subscriber holds (lent and not released, queued ones included). */
    int buffersHeld() {
        return inbound.held();
    }

    /** The exception for a failed {@code op} with {@code res}: closed, port unreachable, or the errno's. */
    Throwable error(int res, String op) {
        if (!handle.isOpen()) {
            return new ConnectionClosedException(toString());
        }
        IOException e = Errors.toException(res, op, toString());
        if (-res == Errnos.ECONNREFUSED) {
            PortUnreachableException p = new PortUnreachableException("port unreachable: " + remote + " (" + op + ")");
            p.initCause(e);
            return p;
        }
        return e;
    }

    @Override
    public String toString() {
        return remote == null ? String.valueOf(local) : local + " -> " + remote;
    }

    /** The send memory of this socket's loop (for tests). */
    SendBuffers sendBuffers() {
        return sending.sendBuffers();
    }

    /** The runtime this socket belongs to. */
    OpRuntime uring() {
        return uring;
    }
}
