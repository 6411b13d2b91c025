package dev.uring.core;

/** Receives completions from {@link Ring#reapCqes(CqeConsumer)}; allocation-free by design. */
@FunctionalInterface
public interface CqeConsumer {
    /**
     * Handles one CQE.
     *
     * @param userData the SQE's user_data
     * @param res the result: non-negative on success, {@code -errno} on failure
     * @param flags the CQE flags ({@link CqeFlags})
     */
    void accept(long userData, int res, int flags);
}
