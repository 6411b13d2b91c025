package dev.uring.core.files;

import dev.uring.core.MsgRingFlags;
import dev.uring.core.Sqe;
import dev.uring.core.ffi.Errno;
import dev.uring.core.loop.EventLoop;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.IntConsumer;

/**
 * The two SQE-op primitives the table is built from: sending fixed files from one ring to others
 * (MSG_RING with IORING_MSG_SEND_FD and CQE_SKIP, batched in one submission) and clearing a slot
 * on a ring (CLOSE direct). Both are asynchronous and never block a loop: with DEFER_TASKRUN the
 * source CQE of a SEND_FD comes only after the target loop ran its task work.
 */
final class FileMessages {
    private FileMessages() {
    }

    /**
     * On {@code source}'s thread: sends {@code srcSlots[i]} to slot {@code dstSlots[i]} of
     * {@code targets[i]}, then calls {@code done} (on that thread) with every result (0 or -errno).
     * A target that is closing gets -EBADFD without a message.
     */
    static void send(EventLoop source, int[] srcSlots, int[] dstSlots, EventLoop[] targets, Consumer<int[]> done) {
        int n = targets.length;
        int[] results = new int[n];
        if (n == 0) {
            done.accept(results);
            return;
        }
        AtomicInteger left = new AtomicInteger(n);
        for (int i = 0; i < n; i++) {
            int at = i;
            IntConsumer ack = res -> {
                results[at] = res;
                if (left.decrementAndGet() == 0) {
                    done.accept(results);
                }
            };
            EventLoop t = targets[i];
            if (t.isClosing()) {
                ack.accept(-Errno.EBADFD);
                continue;
            }
            Sqe sqe = source.nextSqe();
            sqe.prepMsgRingFd(t.ringFd(), srcSlots[i], dstSlots[i], 0L, MsgRingFlags.CQE_SKIP);
            sqe.userData(source.register((res, flags) -> ack.accept(res)));
        }
    }

    /**
     * Clears {@code slot} on {@code loop}'s ring (CLOSE direct, from any thread) and calls
     * {@code done} with the result; a loop that is closing counts as cleared (0), since its table
     * goes with its ring, and an empty slot answers -EBADF.
     */
    static void clear(EventLoop loop, int slot, IntConsumer done) {
        Runnable task = () -> {
            if (loop.isClosing()) {
                done.accept(0);
                return;
            }
            try {
                Sqe sqe = loop.nextSqe();
                sqe.prepCloseDirect(slot);
                sqe.userData(loop.register((res, flags) -> done.accept(res)));
            } catch (RuntimeException e) {
                done.accept(-Errno.EIO);
            }
        };
        try {
            loop.runOrExecute(task);
        } catch (RejectedExecutionException e) {
            done.accept(0);
        }
    }

    /** Whether a clear's result leaves the slot empty on that ring. */
    static boolean cleared(int res) {
        return res >= 0 || res == -Errno.EBADF || res == -Errno.ENXIO || res == -Errno.ECANCELED;
    }
}
