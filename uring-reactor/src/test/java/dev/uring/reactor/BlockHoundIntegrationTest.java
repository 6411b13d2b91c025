package dev.uring.reactor;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import reactor.blockhound.BlockingOperationError;
import reactor.test.StepVerifier;

/** The suite runs with BlockHound installed (blockhound-junit-platform); these prove it bites. */
@Timeout(60)
class BlockHoundIntegrationTest {
    @AutoClose
    static final Uring uring = TestRuntimes.create(1);

    @Test
    void sleepingOnALoopThreadIsCaught() {
        StepVerifier.create(uring.timer(Duration.ofMillis(1)).map(v -> {
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            return v;
        })).verifyErrorSatisfies(e -> assertThat(e).isInstanceOf(BlockingOperationError.class)
                .hasMessageContaining("sleep"));
    }

    @Test
    void waitingIoUringEnterOnALoopThreadIsCaught() throws Exception {
        // the FFM downcall is invisible to BlockHound: the integration marks Ring#submitAndWait
        CompletableFuture<Throwable> caught = new CompletableFuture<>();
        uring.group().get(0).execute(() -> {
            try {
                uring.group().get(0).ring().submitAndWait(0);
                caught.complete(null);
            } catch (Throwable t) {
                caught.complete(t);
            }
        });
        assertThat(caught.get(10, TimeUnit.SECONDS)).isInstanceOf(BlockingOperationError.class)
                .hasMessageContaining("submitAndWait");
    }

    @Test
    void theLoopsOwnWaitIsAllowed() {
        // every op in the suite goes through the loop's own wait; a timer proves it is not flagged
        StepVerifier.create(uring.timer(Duration.ofMillis(20))).expectNext(0L).verifyComplete();
    }
}
