package dev.uring.reactor.op;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.channels.ClosedChannelException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class FileHandleTest {
    /** The closed error this handle's owner chose (a file's, a socket's). */
    static final class Closed extends ClosedChannelException {
        private static final long serialVersionUID = 1L;

        Closed(String path) {
        }
    }

    @Test
    void closeWaitsForTheLastReferenceAndRunsOnceDespiteRefusedAcquires() {
        FileHandle h = new FileHandle(-1, "/some/file", Closed::new);
        AtomicInteger closes = new AtomicInteger();
        h.acquire();
        h.acquire();
        assertThat(h.close(closes::incrementAndGet)).isTrue();
        assertThat(h.close(closes::incrementAndGet)).isFalse();
        assertThat(h.isOpen()).isFalse();
        // refused while ops still hold it, then after it drained: neither closes (again)
        assertThatThrownBy(h::acquire).hasCauseInstanceOf(Closed.class);
        h.release();
        assertThat(closes).hasValue(0);
        h.release();
        assertThat(closes).hasValue(1);
        assertThatThrownBy(h::acquire).hasCauseInstanceOf(Closed.class);
        assertThat(closes).hasValue(1);
    }
}
