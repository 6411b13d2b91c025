package dev.uring.reactor.op;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import reactor.core.publisher.Mono;

/**
 * The resources a runtime closes when it closes, so that no fd or buffer ring outlives it: open
 * files, servers and sockets ({@link #track}), closed while the loops still run their CLOSEs; and
 * per-runtime state ({@link #attachment}, e.g. the sockets' buffer rings), closed after the loops
 * ended. The runtime knows none of their classes.
 */
public final class RuntimeResources {
    private final Map<Object, Supplier<? extends Mono<Void>>> open = new ConcurrentHashMap<>();
    private final Map<Class<?>, AutoCloseable> attachments = new ConcurrentHashMap<>();
    private volatile boolean closing;

    /**
     * Remembers {@code resource} until {@link #untrack}; {@code close} starts closing it and
     * completes when it is closed. When the runtime is already closing (a race with its close),
     * the resource is closed at once, as the runtime may not have seen it.
     */
    public void track(Object resource, Supplier<? extends Mono<Void>> close) {
        open.put(resource, close);
        if (closing) {
            close.get().subscribe(null, e -> { });
        }
    }

    /** Forgets a resource that closed itself. */
    public void untrack(Object resource) {
        open.remove(resource);
    }

    /** The number of resources tracked now (for tests). */
    public int tracked() {
        return open.size();
    }

    /**
     * The runtime's one {@code type} object, made by {@code create} on first use and closed after
     * the loops ended.
     */
    public <T extends AutoCloseable> T attachment(Class<T> type, Supplier<? extends T> create) {
        return type.cast(attachments.computeIfAbsent(type, t -> create.get()));
    }

    /** Closes every tracked resource and waits, at most {@code timeout}, for them; not on a loop. */
    public void closeTracked(Duration timeout) {
        closing = true;
        List<Mono<Void>> closes = new ArrayList<>();
        for (Supplier<? extends Mono<Void>> c : open.values()) {
            closes.add(Mono.defer(c).onErrorComplete());
        }
        if (!closes.isEmpty()) {
            try {
                Mono.when(closes).block(timeout);
            } catch (RuntimeException e) {
                // a loop that does not answer: the loops' close cancels what is left
            }
        }
    }

    /** Closes the attachments; after the loops ended. */
    public void closeAttachments() {
        for (AutoCloseable a : attachments.values()) {
            try {
                a.close();
            } catch (Exception e) {
                // freeing memory of a ring already gone: nothing left to do
            }
        }
        attachments.clear();
    }
}
