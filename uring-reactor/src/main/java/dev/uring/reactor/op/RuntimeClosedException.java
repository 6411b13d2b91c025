package dev.uring.reactor.op;

import org.jspecify.annotations.Nullable;

/**
 * The runtime closed: an op in flight when it closed (its loop cancelled it), or one subscribed
 * after. An {@link IllegalStateException}, which is the type callers see (this package is not exported).
 */
public final class RuntimeClosedException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    public RuntimeClosedException(@Nullable Throwable cause) {
        super("the io_uring runtime is closed", cause);
    }
}
