package dev.uring.reactor.tck;

import dev.uring.reactor.Uring;
import java.time.Duration;
import org.reactivestreams.Publisher;

/**
 * {@link Uring#ticks(Duration)}: the public multishot op (one multishot TIMEOUT, armed while there is
 * demand). It never completes, so {@link #maxElementsFromPublisher()} is the TCK's "unable to signal
 * onComplete" and the TCK skips the rules that need a completion. Refused: on a closed runtime.
 */
public class UringTicksTckTest extends FluxVerification<Long> {
    private Uring closed;

    @Override
    void prepare() throws Exception {
        closed = Fixture.closedRuntime();
    }

    @Override
    Publisher<Long> publisher(long elements) {
        return fx.uring.ticks(Duration.ofMillis(2));
    }

    @Override
    Publisher<Long> failed() {
        return closed.ticks(Duration.ofMillis(2));
    }

    @Override
    public long maxElementsFromPublisher() {
        return publisherUnableToSignalOnComplete();
    }
}
