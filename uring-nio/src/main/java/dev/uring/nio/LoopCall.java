package dev.uring.nio;

import dev.uring.core.Opcode;
import dev.uring.core.Sqe;
import dev.uring.core.loop.EventLoop;
import java.lang.foreign.Arena;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * One op that has no channel yet (OPENAT, UNLINKAT), run on a loop while the calling thread waits
 * for its CQE: for {@code open}, which the JDK makes synchronous. Its memory (the path) lives in an
 * arena of the op's own, confined to the loop thread and closed after the CQE. Never called on a
 * loop thread.
 */
final class LoopCall {
    private LoopCall() {
    }

    /**
     * Runs the op that {@code build} makes (given the op's arena, it allocates what the kernel reads
     * and returns what fills the SQE) and returns its CQE's result (an fd, 0, or -errno).
     */
    static int run(Loops loops, Function<Arena, Consumer<Sqe>> build) {
        if (loops.inLoop()) {
            throw new IllegalStateException("opening an io_uring file channel waits for the kernel: not on the "
                    + "channel loops' own thread " + Thread.currentThread().getName());
        }
        EventLoop loop = loops.pick();
        CompletableFuture<Integer> result = new CompletableFuture<>();
        loop.execute(() -> {
            Arena arena = Arena.ofConfined();
            Consumer<Sqe> fill;
            try {
                fill = build.apply(arena);
            } catch (RuntimeException e) {
                arena.close();
                result.completeExceptionally(e);
                return;
            }
            long ud = loop.register((res, flags) -> {
                arena.close();
                result.complete(res);
            });
            Sqe sqe = loop.nextSqe();
            fill.accept(sqe);
            sqe.userData(ud);
        });
        return join(result);
    }

    /**
     * Asks the ring of a loop whether its policy lets the framework do what {@code op} would do with
     * a plain syscall: the reason it does not, or null.
     */
    static @Nullable String fallbackDenied(Loops loops, Opcode op) {
        EventLoop loop = loops.pick();
        CompletableFuture<@Nullable String> answer = new CompletableFuture<>();
        loop.execute(() -> answer.complete(loop.ring().fallbackDenied(op)));
        return join(answer);
    }

    /** Asks the ring of a loop whether its policy may refuse or limit {@code op}; reports nothing to audit. */
    static boolean mayRestrict(Loops loops, Opcode op) {
        EventLoop loop = loops.pick();
        CompletableFuture<Boolean> answer = new CompletableFuture<>();
        loop.execute(() -> answer.complete(loop.ring().mayRestrict(op)));
        return join(answer);
    }

    private static <T> T join(CompletableFuture<T> f) {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return f.get();
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof RuntimeException re) {
                        throw re;
                    }
                    throw new IllegalStateException(e.getCause());
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
