package dev.uring.core.loop;

/**
 * Receives the CQEs of one op, on the loop's thread. A multishot op's completion is called once
 * per CQE; the last call is the one whose flags lack {@link dev.uring.core.CqeFlags#MORE}.
 */
@FunctionalInterface
public interface Completion {
    /**
     * Handles one CQE of the op.
     *
     * @param res the result: non-negative on success, {@code -errno} on failure
     * @param flags the CQE flags
     */
    void complete(int res, int flags);
}
