package dev.uring.reactor.net;

import dev.uring.core.KernelFeature;
import dev.uring.core.Opcode;
import dev.uring.core.SocketCalls;
import dev.uring.core.loop.EventLoop;
import dev.uring.reactor.op.CloseOp;
import dev.uring.reactor.op.FileHandle;
import dev.uring.reactor.op.MonoUringOp;
import dev.uring.reactor.op.OpRuntime;
import dev.uring.reactor.op.Runtimes;
import dev.uring.reactor.op.SyscallFallback;
import java.io.IOException;
import java.net.SocketAddress;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import reactor.core.publisher.Mono;

/**
 * The one way a socket comes into being, for TCP and UDP alike: SOCKET on a loop of the runtime
 * of the policy in force where the Mono is subscribed, the options set on the fd, the steps of the
 * caller (bind, listen, connect: io_uring ops, with the syscall fallback where the kernel lacks
 * BIND or LISTEN), then the caller adopts the fd into its object. Until that object exists the fd
 * belongs to this pipeline: a failed step, or a cancel, closes it.
 */
public final class SocketSetup {
    private SocketSetup() {
    }

    /** Sets socket options on a new fd (setsockopt never blocks: it runs on the loop). */
    @FunctionalInterface
    public interface Options {
        void applyTo(int fd) throws IOException;
    }

    /** Makes the socket's owner (a server, a connection, a UDP socket); loop thread. */
    @FunctionalInterface
    public interface Adopter<S> {
        S adopt(Site site) throws IOException;
    }

    /** Where a socket is set up: its runtime, its loop, and its handle (still owned by the pipeline). */
    public record Site(OpRuntime uring, EventLoop loop, FileHandle socket) {
        /** IORING_OP_BIND, or bind(2) on the loop where the kernel lacks the op (before 6.11). */
        public Mono<Void> bind(SocketAddress address) {
            if (!KernelFeature.BIND.isAvailable()) {
                return SyscallFallback.onLoop(loop, Opcode.BIND, socket, fd -> SocketCalls.bind(fd, address));
            }
            return new MonoUringOp<>(uring, loop, () -> new SocketCallOp(socket, SocketCallOp.Kind.BIND, address, 0), 0);
        }

        /** IORING_OP_LISTEN, or listen(2) on the loop where the kernel lacks the op (before 6.11). */
        public Mono<Void> listen(int backlog) {
            if (!KernelFeature.LISTEN.isAvailable()) {
                return SyscallFallback.onLoop(loop, Opcode.LISTEN, socket, fd -> SocketCalls.listen(fd, backlog));
            }
            return new MonoUringOp<>(uring, loop,
                    () -> new SocketCallOp(socket, SocketCallOp.Kind.LISTEN, null, backlog), 0);
        }

        /** CONNECT, linked to a LINK_TIMEOUT of {@code timeoutNanos} when positive. */
        public Mono<Void> connect(SocketAddress address, long timeoutNanos) {
            return new MonoUringOp<>(uring, loop,
                    () -> new SocketCallOp(socket, SocketCallOp.Kind.CONNECT, address, 0), timeoutNanos);
        }
    }

    /**
     * A socket of {@code family} and {@code type} named {@code name} in messages: SOCKET, then
     * {@code options}, then {@code steps}, then {@code adopter}. Cold; each subscription makes one socket.
     */
    public static <S> Mono<S> open(Object uring, int family, int type, String name, Options options,
            Function<Site, Mono<Void>> steps, Adopter<S> adopter) {
        return Mono.defer(() -> {
            // the runtime of the policy in force here (this one, or its child for that policy)
            OpRuntime u = Runtimes.of(uring).routed();
            EventLoop loop = u.loop();
            return new MonoUringOp<>(u, loop, () -> new SocketOp(family, type, name), 0)
                    .flatMap(fd -> {
                        Site site = new Site(u, loop, new FileHandle(fd, name, ConnectionClosedException::new));
                        AtomicBoolean adopted = new AtomicBoolean();
                        return Mono.fromCallable(() -> {
                                    options.applyTo(fd);
                                    return fd;
                                })
                                .then(Mono.defer(() -> steps.apply(site)))
                                .then(Mono.fromCallable(() -> {
                                    S s = adopter.adopt(site);
                                    adopted.set(true);
                                    return s;
                                }))
                                .doFinally(sig -> {
                                    if (!adopted.get()) {
                                        site.socket().close(() -> CloseOp.closeFd(loop, fd, () -> { }));
                                    }
                                });
                    });
        });
    }
}
