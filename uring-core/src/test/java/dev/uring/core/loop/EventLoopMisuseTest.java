package dev.uring.core.loop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.RejectedExecutionException;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Loop-thread-only methods called from elsewhere, and use after close, fail with a clear message. */
@Timeout(30)
class EventLoopMisuseTest {
    private static void offLoop(ThrowingCallable call) {
        assertThatThrownBy(call).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("not from the event loop thread test-loop").hasMessageContaining("execute()");
    }

    @Test
    void loopThreadOnlyMethodsRefuseOtherThreads() throws Exception {
        try (EventLoop loop = LoopTesting.start(8)) {
            assertThat(loop.inEventLoop()).isFalse();
            offLoop(() -> loop.register((res, flags) -> { }));
            offLoop(() -> loop.unregister(5));
            offLoop(loop::nextSqe);
            offLoop(() -> loop.cancel(5));
            offLoop(loop::ring);
            offLoop(loop::pendingOps);
            offLoop(loop::staleCompletions);
            offLoop(loop::completions);
            assertThat(loop.ringFd()).isPositive();
            assertThat(LoopTesting.onLoop(loop, loop::inEventLoop)).isTrue();
        }
    }

    @Test
    void executeAfterCloseIsRejectedAndNullIsRefused() throws Exception {
        EventLoop loop = LoopTesting.start(8);
        assertThatThrownBy(() -> loop.execute(null)).isInstanceOf(NullPointerException.class);
        loop.close();
        assertThat(loop.isClosing()).isTrue();
        assertThatThrownBy(() -> loop.execute(() -> { })).isInstanceOf(RejectedExecutionException.class)
                .hasMessageContaining("closed");
        loop.close(); // idempotent
    }

    @Test
    void unregisteringAnUnknownOpIsRefused() throws Exception {
        try (EventLoop loop = LoopTesting.start(8)) {
            Throwable t = LoopTesting.onLoop(loop, () -> {
                try {
                    loop.unregister(0x12345L);
                    return null;
                } catch (IllegalStateException e) {
                    return e;
                }
            });
            assertThat(t).isInstanceOf(IllegalStateException.class).hasMessageContaining("not a pending op");
        }
    }
}
