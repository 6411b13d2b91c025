package dev.uring.reactor.tck;

import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;

/**
 * The TCK's publisher rules over one public {@code Flux}, with a {@link Fixture} per class.
 *
 * @param <T> the items
 */
abstract class FluxVerification<T> extends FixtureVerification<T> {
    /** A fresh publisher of exactly {@code elements} items (at least, for an endless one). */
    abstract Publisher<T> publisher(long elements) throws Exception;

    /** A publisher refused at subscription, or null when there is none. */
    abstract @Nullable Publisher<T> failed() throws Exception;

    @Override
    public Publisher<T> createPublisher(long elements) {
        try {
            return publisher(elements);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public @Nullable Publisher<T> createFailedPublisher() {
        try {
            return failed();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
