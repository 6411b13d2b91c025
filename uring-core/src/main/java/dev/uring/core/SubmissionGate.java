package dev.uring.core;

import java.util.HashMap;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The customizers' {@link SubmissionFilter}s of one ring (a policy's argument rules) and what they
 * refused: each refused SQE is rewritten into a NOP completing with -EACCES, and its reason is
 * remembered until that CQE is dispatched, then kept only until the next reap begins (so that a
 * caller may ask why right after the reap that brought the CQE). Multishot receive, accept and the
 * file table never ask, so nothing may live longer than that: a record outliving its CQE would grow
 * without bound and tell a later op reusing the user_data the wrong reason.
 *
 * <p>Only a ring with filters has one; owning thread only. The maps box their keys, which is fine
 * for a path taken only by refused SQEs.
 */
final class SubmissionGate {
    private final SubmissionFilter[] filters;
    /** user_data of refused SQEs whose CQE has not been dispatched -> the reason (and how many such SQEs). */
    private final HashMap<Long, Denial> pending = new HashMap<>();
    /** Refusals whose CQE the latest reap dispatched; cleared when the next reap begins. */
    private final HashMap<Long, String> dispatched = new HashMap<>();

    private static final class Denial {
        String reason;
        int count = 1;

        Denial(String reason) {
            this.reason = reason;
        }
    }

    private SubmissionGate(SubmissionFilter[] filters) {
        this.filters = filters;
    }

    /** The gate of the given customizers' filters, or null when none filters anything. */
    static @Nullable SubmissionGate of(List<RingCustomizer> customizers) {
        SubmissionFilter[] filters = customizers.stream()
                .map(RingCustomizer::submissionFilter)
                .filter(f -> f != SubmissionFilter.ALLOW_ALL)
                .toArray(SubmissionFilter[]::new);
        return filters.length == 0 ? null : new SubmissionGate(filters);
    }

    /** Runs the filters over a prepared SQE about to be published; a refusal rewrites it. */
    void check(Sqe s) {
        for (SubmissionFilter f : filters) {
            String reason;
            try {
                reason = f.check(s);
            } catch (RuntimeException e) {
                // fail closed: a filter that cannot judge an SQE (a null path or sockaddr) refuses it;
                // a throw from here would leave the filtered tail behind and wedge every later submit
                reason = s.opcode() + " denied: its arguments cannot be checked (" + e.getMessage() + ")";
            }
            if (reason != null) {
                Denial d = pending.get(s.userDataValue());
                if (d == null) {
                    pending.put(s.userDataValue(), new Denial(reason));
                } else {
                    // several refused SQEs share a user_data (NO_COMPLETION, 0): one record, counted
                    d.reason = reason;
                    d.count++;
                }
                s.denyWithEacces();
                return;
            }
        }
    }

    /** A reap begins: what the previous reap dispatched is forgotten. */
    void reapBegins() {
        if (!dispatched.isEmpty()) {
            dispatched.clear();
        }
    }

    /** Whether some refused SQE still waits for its CQE (the one test the CQ drain makes per CQE). */
    boolean awaitsCqes() {
        return !pending.isEmpty();
    }

    /**
     * The CQE with {@code userData} is being dispatched: true when it stands for a refused SQE (its
     * result is then -EACCES, whatever the stand-in NOP returned), whose record moves to the
     * dispatched ones.
     */
    boolean dispatching(long userData) {
        Denial d = pending.get(userData);
        if (d == null) {
            return false;
        }
        if (--d.count == 0) {
            pending.remove(userData);
        }
        dispatched.put(userData, d.reason);
        return true;
    }

    /**
     * Why the SQE with {@code userData} was refused: a record dispatched by the latest reap is
     * forgotten once told; one still waiting for its CQE stays until that CQE is dispatched.
     */
    @Nullable String reason(long userData) {
        String r = dispatched.isEmpty() ? null : dispatched.remove(userData);
        if (r != null) {
            return r;
        }
        Denial d = pending.isEmpty() ? null : pending.get(userData);
        return d == null ? null : d.reason;
    }

    /** How many refusals are remembered (waiting for their CQE, or dispatched by the latest reap). */
    int remembered() {
        return pending.size() + dispatched.size();
    }
}
