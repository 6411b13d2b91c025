package dev.uring.reactor.spring;

import dev.uring.core.loop.EventLoop;
import dev.uring.reactor.Uring;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.ReactiveHealthIndicator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Actuator's {@code uring} health: UP when every loop of the runtime is alive and answers a NOP
 * through its ring within {@link #TIMEOUT}; DOWN, naming the loops that did not, otherwise. The
 * details give each loop's ops in flight.
 */
public final class UringHealthIndicator implements ReactiveHealthIndicator {
    /** How long a loop may take to answer the NOP. */
    public static final Duration TIMEOUT = Duration.ofSeconds(2);
    private final Uring uring;

    /** The health of {@code uring}. */
    public UringHealthIndicator(Uring uring) {
        this.uring = uring;
    }

    @Override
    public Mono<Health> health() {
        if (uring.isClosed()) {
            return Mono.just(Health.down().withDetail("runtime", uring.name() + " is closed").build());
        }
        List<Mono<Map.Entry<Integer, String>>> probes = new ArrayList<>();
        for (EventLoop loop : uring.group()) {
            int i = loop.index();
            probes.add(Mono.defer(() -> loop.isClosing() || !loop.thread().isAlive()
                            ? Mono.just(Map.entry(i, "stopped"))
                            : uring.nop(i).timeout(TIMEOUT).map(r -> Map.entry(i, "ok")))
                    .onErrorResume(e -> Mono.just(Map.entry(i, "failed: " + e))));
        }
        return Flux.merge(probes).collectList().map(answers -> {
            Map<String, Object> loops = new TreeMap<>();
            boolean up = true;
            for (Map.Entry<Integer, String> a : answers) {
                EventLoop loop = uring.group().get(a.getKey());
                up &= a.getValue().equals("ok");
                loops.put("loop-" + a.getKey(), Map.of("ring", a.getValue(), "inFlight", loop.stats().inFlight()));
            }
            return (up ? Health.up() : Health.down()).withDetail("runtime", uring.name())
                    .withDetail("loops", loops).build();
        });
    }
}
