package dev.uring.reactor.op;

import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Flux;
import reactor.util.context.Context;

/**
 * A caller's publisher (the data of a write or a send) as a {@link Flux} whose subscriber keeps
 * Reactive Streams rule 2.13: a null signal throws {@link NullPointerException} to the
 * publisher that sent it (and rules 2.3 and 2.5, see {@link Checking}). Reactor's own operators
 * skip that check (they trust their upstream), and the subscriber the caller's publisher sees
 * would otherwise be one of theirs.
 *
 * @param <T> the elements
 */
public final class CheckedSource<T> extends Flux<T> {
    private final Publisher<? extends T> source;

    private CheckedSource(Publisher<? extends T> source) {
        this.source = source;
    }

    /** {@code source}, subscribed through a null-checking subscriber. */
    public static <T> Flux<T> of(Publisher<? extends T> source) {
        return new CheckedSource<>(Objects.requireNonNull(source, "source"));
    }

    @Override
    public void subscribe(CoreSubscriber<? super T> actual) {
        source.subscribe(new Checking<>(actual));
    }

    /**
     * Checks each signal for null, then hands it on; stands between the caller's publisher and
     * the operator below, so that it also keeps rules 2.3 and 2.5 for that operator: a second
     * onSubscribe is cancelled, and once the publisher has signalled onError or onComplete the
     * operator's request and cancel no longer reach it (Reactor's flatMap cancels its upstream on
     * an error, the one that came from that upstream included).
     */
    static final class Checking<T> implements CoreSubscriber<T>, Subscription {
        private final CoreSubscriber<? super T> actual;
        private @Nullable Subscription upstream;
        private volatile boolean done;

        Checking(CoreSubscriber<? super T> actual) {
            this.actual = actual;
        }

        @Override
        public void onSubscribe(Subscription s) {
            Objects.requireNonNull(s, "onSubscribe(null): rule 2.13");
            if (upstream != null) {
                s.cancel(); // rule 2.5
                return;
            }
            upstream = s;
            actual.onSubscribe(this);
        }

        @Override
        public void onNext(T t) {
            actual.onNext(Objects.requireNonNull(t, "onNext(null): rule 2.13"));
        }

        @Override
        public void onError(Throwable t) {
            Objects.requireNonNull(t, "onError(null): rule 2.13");
            done = true;
            actual.onError(t);
        }

        @Override
        public void onComplete() {
            done = true;
            actual.onComplete();
        }

        @Override
        public void request(long n) {
            Subscription s = upstream;
            if (!done && s != null) {
                s.request(n);
            }
        }

        @Override
        public void cancel() {
            Subscription s = upstream;
            if (!done && s != null) {
                s.cancel();
            }
        }

        @Override
        public Context currentContext() {
            return actual.currentContext();
        }
    }
}
