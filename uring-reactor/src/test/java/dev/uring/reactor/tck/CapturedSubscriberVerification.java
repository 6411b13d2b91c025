package dev.uring.reactor.tck;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscriber;
import org.reactivestreams.tck.SubscriberBlackboxVerification;
import org.testng.annotations.AfterClass;
import org.testng.annotations.AfterMethod;
import org.testng.annotations.BeforeClass;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;

/**
 * The TCK's blackbox subscriber rules over the subscriber that a public write or send method hands
 * to the caller's publisher. No such subscriber is a public class, so it is captured: the method
 * under test is given a publisher that only records what subscribes to it (and signals nothing),
 * the method's result is subscribed, and the recorded subscriber is handed to the TCK, which then
 * drives it (onSubscribe, onNext, onComplete, onError) as a publisher would. Whatever the method
 * still runs after a test is disposed after it.
 *
 * @param <T> the elements the method consumes
 */
abstract class CapturedSubscriberVerification<T> extends SubscriberBlackboxVerification<T> {
    Fixture fx;
    private final List<Disposable> running = new CopyOnWriteArrayList<>();

    CapturedSubscriberVerification() {
        super(Fixture.env());
    }

    @BeforeClass
    public void startFixture() throws Exception {
        fx = new Fixture();
        prepare();
    }

    /** Sets up what the method needs, once per class. */
    void prepare() throws Exception {
    }

    @AfterMethod(alwaysRun = true)
    public void disposeRunning() {
        running.forEach(Disposable::dispose);
        running.clear();
    }

    @AfterClass(alwaysRun = true)
    public void closeFixture() throws Exception {
        disposeRunning();
        if (fx != null) {
            fx.close();
        }
    }

    /** Calls the method under test with {@code data}; returns its (cold) result. */
    abstract Publisher<?> consume(Publisher<T> data) throws Exception;

    @Override
    @SuppressWarnings("unchecked")
    public Subscriber<T> createSubscriber() {
        CompletableFuture<Subscriber<? super T>> captured = new CompletableFuture<>();
        Publisher<T> recorder = captured::complete;
        try {
            running.add(Flux.from(consume(recorder)).subscribe(v -> { }, e -> { }));
            return (Subscriber<T>) captured.get(Fixture.WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("the method under test did not subscribe to its publisher", e);
        }
    }
}
