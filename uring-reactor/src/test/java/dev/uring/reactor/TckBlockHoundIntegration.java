package dev.uring.reactor;

import reactor.blockhound.BlockHound;
import reactor.blockhound.integration.BlockHoundIntegration;

/**
 * Lets the Reactive Streams TCK's own test subscribers run on loop threads under BlockHound: they
 * hand each signal to the test thread through an ArrayBlockingQueue, whose lock may park for the
 * instant the test thread holds it. Only those TCK hand-over methods are allowed; nothing of
 * reactive-uring. Found through {@code META-INF/services} on the test class path.
 */
public final class TckBlockHoundIntegration implements BlockHoundIntegration {
    /** For {@link java.util.ServiceLoader}. */
    public TckBlockHoundIntegration() {
    }

    @Override
    public void applyTo(BlockHound.Builder builder) {
        builder.allowBlockingCallsInside("org.reactivestreams.tck.TestEnvironment$Receptacle", "add");
        builder.allowBlockingCallsInside("org.reactivestreams.tck.TestEnvironment$Receptacle", "complete");
        builder.allowBlockingCallsInside("org.reactivestreams.tck.TestEnvironment$Promise", "complete");
    }
}
