package dev.uring.reactor.op;

import dev.uring.core.Opcode;
import dev.uring.core.loop.EventLoop;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import reactor.core.Exceptions;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * What an op does, done by a plain syscall on a kernel that lacks the op (see
 * {@link dev.uring.core.KernelFeature}). The loop's ring is asked first whether its policy allows the
 * op ({@link dev.uring.core.Ring#fallbackDenied}), so the fallback refuses what the op would be
 * refused. The file's handle is held for the call, as an op holds it until its CQE.
 */
public final class SyscallFallback {
    /** A syscall on an fd. */
    @FunctionalInterface
    public interface Call {
        public void run(int fd) throws IOException;
    }

    private SyscallFallback() {
    }

    /** A Mono that checks the policy and runs {@code call}, which must not block, on {@code loop}. */
    public static Mono<Void> onLoop(EventLoop loop, Opcode op, FileHandle handle, Call call) {
        return onLoop(loop, () -> {
            check(loop, op, handle);
            run(handle, call);
        });
    }

    /**
     * A Mono that checks the policy on {@code loop}, then runs {@code call}, which may block, on a
     * bounded elastic worker: never on a loop thread.
     */
    public static Mono<Void> offLoop(EventLoop loop, Opcode op, FileHandle handle, Call call) {
        return onLoop(loop, () -> check(loop, op, handle))
                .then(Mono.<Void>fromRunnable(() -> run(handle, call)).subscribeOn(Schedulers.boundedElastic()))
                .onErrorMap(Exceptions::unwrap);
    }

    private static Mono<Void> onLoop(EventLoop loop, Runnable task) {
        return Mono.create(sink -> loop.execute(() -> {
            try {
                task.run();
                sink.success();
            } catch (RuntimeException e) {
                sink.error(Exceptions.unwrap(e));
            }
        }));
    }

    private static void check(EventLoop loop, Opcode op, FileHandle handle) {
        String why = loop.ring().fallbackDenied(op);
        if (why != null) {
            throw Exceptions.propagate(new AccessDeniedException(handle.path(), null, why));
        }
    }

    private static void run(FileHandle handle, Call call) {
        handle.acquire();
        try {
            call.run(handle.fd());
        } catch (IOException e) {
            throw Exceptions.propagate(e);
        } finally {
            handle.release();
        }
    }

}
