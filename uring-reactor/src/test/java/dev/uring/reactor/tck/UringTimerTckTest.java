package dev.uring.reactor.tck;

import dev.uring.reactor.Uring;
import java.time.Duration;
import org.reactivestreams.Publisher;

/** {@link Uring#timer(Duration)}: a kernel TIMEOUT of 1 ms. Refused: on a closed runtime. */
public class UringTimerTckTest extends MonoVerification<Long> {
    private Uring closed;

    @Override
    void prepare() throws Exception {
        closed = Fixture.closedRuntime();
    }

    @Override
    Publisher<Long> value() {
        return fx.uring.timer(Duration.ofMillis(1));
    }

    @Override
    Publisher<Long> failed() {
        return closed.timer(Duration.ofMillis(1));
    }
}
