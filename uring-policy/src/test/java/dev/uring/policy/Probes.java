package dev.uring.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uring.core.Opcode;
import dev.uring.core.RegisterOp;
import dev.uring.core.Ring;
import dev.uring.core.RingOptions;
import dev.uring.core.SqeFlags;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.EnumSet;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * What the inheritance tests run wherever work lands: open a ring there and ask the kernel for a
 * SOCKET, which {@link #SANDBOX} denies. -EACCES means the ring carried the policy.
 */
final class Probes {
    static final int EACCES = -13;
    /** Everything but SOCKET, OPENAT and OPENAT2: kernel-refused, and loops still work under it. */
    static final RingPolicy SANDBOX = sandbox("sandbox");

    private Probes() {
    }

    static RingPolicy sandbox(String name) {
        EnumSet<Opcode> ops = EnumSet.allOf(Opcode.class);
        ops.removeAll(EnumSet.of(Opcode.SOCKET, Opcode.OPENAT, Opcode.OPENAT2));
        return RingPolicy.builder(name).allowOps(ops).allowRegisterOps(EnumSet.allOf(RegisterOp.class))
                .allowFlags(SqeFlags.ALL).build();
    }

    /** Opens a ring on the calling thread and returns the CQE result of a SOCKET on it (the fd is closed). */
    static int socketOnNewRing() {
        try (Ring ring = Ring.open(RingOptions.defaults().entries(4))) {
            int fd = OneShot.run(ring, 1, s -> s.prepSocket(2, 1, 0, 0));
            if (fd >= 0) {
                OneShot.run(ring, 2, s -> s.prepClose(fd));
            }
            return fd;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void assertRefused(int res) {
        assertThat(res).as("SOCKET on a ring opened there (-13 = refused by the kernel)").isEqualTo(EACCES);
    }

    static void assertAllowed(int res) {
        assertThat(res).as("SOCKET on a ring opened there (an fd = allowed)").isGreaterThanOrEqualTo(0);
    }

    /** Runs {@code task} on a new thread constructed and started now, and returns its result. */
    static <T> T onNewThread(Thread.Builder builder, Callable<T> task) throws Exception {
        CompletableFuture<T> out = new CompletableFuture<>();
        Thread t = builder.unstarted(() -> complete(out, task));
        t.start();
        return out.get(30, TimeUnit.SECONDS);
    }

    static <T> void complete(CompletableFuture<T> out, Callable<T> task) {
        try {
            out.complete(task.call());
        } catch (Throwable e) {
            out.completeExceptionally(e);
        }
    }
}
