package dev.uring.reactor.tck;

import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import org.testng.SkipException;
import org.testng.annotations.Test;

/**
 * The TCK's publisher rules over one public {@code Mono} op: at most one element. Each
 * {@link #createPublisher} is a fresh op (cold: nothing runs before subscription and request).
 * An op that always yields a value has no empty form: for 0 elements it is returned as is, which
 * the two rules that ask for 0 elements and never request (1.9: onSubscribe, NPE on a null
 * subscriber) may use, and the optional 1.5 (an empty stream completes) is skipped with that reason
 * (the TCK would request it, get the value, and not notice). The failed publisher is the op refused at subscription (a closed file,
 * a closed runtime), which must signal onSubscribe then onError without any request (1.9, 1.4).
 *
 * @param <T> the op's value
 */
abstract class MonoVerification<T> extends FixtureVerification<T> {
    /** A fresh op that yields exactly one value. */
    abstract Publisher<T> value() throws Exception;

    /** A fresh op that completes without a value; {@link #value()} where the op always yields one. */
    Publisher<T> empty() throws Exception {
        return value();
    }

    /** Whether {@link #empty()} is a real empty form of the op (else 1.5 is skipped). */
    boolean hasEmptyForm() {
        return false;
    }

    @Override
    @Test
    public void optional_spec105_emptyStreamMustTerminateBySignallingOnComplete() throws Throwable {
        if (!hasEmptyForm()) {
            throw new SkipException("this op always yields one value: it has no empty form (rule 1.5 needs one)");
        }
        super.optional_spec105_emptyStreamMustTerminateBySignallingOnComplete();
    }

    /** A fresh op refused at subscription, or null when the op cannot fail at subscription. */
    abstract @Nullable Publisher<T> failed() throws Exception;

    @Override
    public Publisher<T> createPublisher(long elements) {
        try {
            return elements == 0 ? empty() : value();
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

    @Override
    public long maxElementsFromPublisher() {
        return 1;
    }
}
