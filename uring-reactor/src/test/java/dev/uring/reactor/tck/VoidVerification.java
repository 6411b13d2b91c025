package dev.uring.reactor.tck;

import org.reactivestreams.Publisher;

/**
 * {@link MonoVerification} of a {@code Mono<Void>} op: it only ever completes, so it is a stream of
 * exactly 0 elements ({@link #maxElementsFromPublisher()} is 0) and every rule that needs an element
 * is skipped by the TCK itself ("required elements nr ... higher than supported").
 */
abstract class VoidVerification extends MonoVerification<Void> {
    @Override
    abstract Publisher<Void> empty() throws Exception;

    @Override
    final boolean hasEmptyForm() {
        return true;
    }

    @Override
    final Publisher<Void> value() {
        throw new UnsupportedOperationException("a Mono<Void> yields no element");
    }

    @Override
    public long maxElementsFromPublisher() {
        return 0;
    }
}
