package dev.uring.reactor.tck;

import dev.uring.reactor.Uring;
import org.reactivestreams.Publisher;

/** {@link Uring#nop(int)}: a NOP through loop 0's ring. Refused: on a closed runtime. */
public class UringNopTckTest extends MonoVerification<Integer> {
    private Uring closed;

    @Override
    void prepare() throws Exception {
        closed = Fixture.closedRuntime();
    }

    @Override
    Publisher<Integer> value() {
        return fx.uring.nop(0);
    }

    @Override
    Publisher<Integer> failed() {
        return closed.nop(0);
    }
}
