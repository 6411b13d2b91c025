package dev.uring.reactor.op;

import static org.assertj.core.api.Assertions.assertThat;


/** Waits (bounded) for {@link KernelHeld} to reach a value: final CQEs arrive asynchronously. */
public final class Held {
    private Held() {
    }

    public static void awaitCount(int expected) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (KernelHeld.count() != expected && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(KernelHeld.count()).as("ops whose buffers the kernel holds").isEqualTo(expected);
    }
}
