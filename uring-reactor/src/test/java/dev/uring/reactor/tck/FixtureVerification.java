package dev.uring.reactor.tck;

import org.reactivestreams.tck.PublisherVerification;
import org.testng.annotations.AfterClass;
import org.testng.annotations.BeforeClass;

/**
 * The TCK's publisher rules with this suite's timeouts and a {@link Fixture} per class: the base of
 * {@link FluxVerification} and {@link MonoVerification}.
 *
 * @param <T> the items
 */
abstract class FixtureVerification<T> extends PublisherVerification<T> {
    Fixture fx;

    FixtureVerification() {
        super(Fixture.env(), Fixture.GC_TIMEOUT_MS);
    }

    @BeforeClass
    public void startFixture() throws Exception {
        fx = new Fixture();
        prepare();
    }

    /** Sets up what the publishers need, once per class, after the fixture is made. */
    void prepare() throws Exception {
    }

    @AfterClass(alwaysRun = true)
    public void closeFixture() throws Exception {
        if (fx != null) {
            fx.close();
        }
    }
}
