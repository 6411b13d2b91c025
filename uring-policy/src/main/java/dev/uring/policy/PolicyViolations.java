package dev.uring.policy;

import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The audit trail of policy denials: every operation a {@link RingPolicy} refuses is handed to the
 * registered listeners and recorded as a JFR {@link PolicyViolationEvent}.
 *
 * <p>Where each layer is seen: a Java argument filter's denial when the filter decides it (on the
 * submitting thread, inside {@code Ring.submit}); a kernel restriction's {@code -EACCES} when
 * {@link AccessDenials#forCompletion} turns the completion into an exception (the kernel says nothing
 * earlier); every register op the kernel refuses on a ring the policy restricts (reported by uring-core
 * through {@link PolicyCustomizer#registerDenied}).
 *
 * <p>Listeners run synchronously on that thread, often an event loop's: they must be quick and must not
 * block; hand the violation to a queue for anything slow. A listener that throws is logged and skipped;
 * it never fails the ring operation. A Reactor {@code Flux<PolicyViolation>} adapter belongs in
 * uring-reactor (this module has no Reactor dependency).
 */
public final class PolicyViolations {
    private static final System.Logger LOG = System.getLogger(PolicyViolations.class.getName());
    private static final CopyOnWriteArrayList<Consumer<? super PolicyViolation>> LISTENERS = new CopyOnWriteArrayList<>();

    private PolicyViolations() {
    }

    /** A listener's registration; closing it removes the listener (idempotent). */
    public interface Registration extends AutoCloseable {
        /** Removes the listener; later violations are not delivered to it. */
        @Override
        void close();
    }

    /**
     * Registers {@code listener} for every violation reported from now on, in any ring of the process.
     *
     * @return the registration; close it to remove the listener
     */
    public static Registration addListener(Consumer<? super PolicyViolation> listener) {
        Objects.requireNonNull(listener, "listener");
        // a distinct wrapper per registration, so that adding the same listener twice and closing one keeps the other
        Consumer<? super PolicyViolation> entry = listener::accept;
        LISTENERS.add(entry);
        return () -> LISTENERS.remove(entry);
    }

    /** Records {@code violation}: the JFR event, then every listener. */
    static void report(PolicyViolation violation) {
        PolicyViolationEvent.commit(violation);
        for (Consumer<? super PolicyViolation> l : LISTENERS) {
            try {
                l.accept(violation);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "policy violation listener " + l + " failed", e);
            }
        }
    }
}
