package dev.uring.core;

/**
 * Told of every SQE a {@link Ring} publishes, on the ring's thread, before the kernel sees it
 * ({@link Ring#observeSubmissions}); for counting. It must be quick and must not throw.
 */
@FunctionalInterface
public interface SubmissionObserver {
    /**
     * One SQE is being published.
     *
     * @param opcode   its kernel opcode number ({@link Opcode#code()})
     * @param userData its user_data
     */
    void submitted(int opcode, long userData);
}
