package dev.uring.reactor;

import java.util.Objects;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Flux;
import reactor.util.context.Context;

/**
 * A caller's publisher (the data of a write or a send) as a {@link Flux} whose subscriber keeps
 * Reactive Streams rule 2.13: a null signal throws {@link NullPointerException} to the publisher
 * that sent it. Reactor's own operators skip that check (they trust their upstream), and the
 * subscriber the caller's publisher sees would otherwise be one of theirs.
 *
 * @param <T> the elements
 */
final class CheckedSource<T> extends Flux<T> {
    private final Publisher<? extends T> source;

    private CheckedSource(Publisher<? extends T> source) {
        this.source = source;
    }

    /** {@code source}, subscribed through a null-checking subscriber. */
    static <T> Flux<T> of(Publisher<? extends T> source) {
        return new CheckedSource<>(Objects.requireNonNull(source, "source"));
    }

    @Override
    public void subscribe(CoreSubscriber<? super T> actual) {
        source.subscribe(new Checking<>(actual));
    }

    /** Checks each signal for null, then hands it on unchanged (rule 2.5 is the downstream's). */
    static final class Checking<T> implements CoreSubscriber<T> {
        private final CoreSubscriber<? super T> actual;

        Checking(CoreSubscriber<? super T> actual) {
            this.actual = actual;
        }

        @Override
        public void onSubscribe(Subscription s) {
            actual.onSubscribe(Objects.requireNonNull(s, "onSubscribe(null): rule 2.13"));
        }

        @Override
        public void onNext(T t) {
            actual.onNext(Objects.requireNonNull(t, "onNext(null): rule 2.13"));
        }

        @Override
        public void onError(Throwable t) {
            actual.onError(Objects.requireNonNull(t, "onError(null): rule 2.13"));
        }

        @Override
        public void onComplete() {
            actual.onComplete();
        }

        @Override
        public Context currentContext() {
            return actual.currentContext();
        }
    }
}
