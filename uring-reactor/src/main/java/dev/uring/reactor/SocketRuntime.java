package dev.uring.reactor;

import dev.uring.core.loop.EventLoop;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import reactor.core.publisher.Mono;

/**
 * The socket state of one {@link Uring}: each loop's receive buffer pools (one per buffer size
 * and count), and the servers, connections and datagram sockets still open, which {@link Uring#close()} closes
 * before the loops stop, so that no fd outlives its runtime.
 */
final class SocketRuntime {
    private final Map<Long, RecvBufferPool>[] pools;
    private final AtomicInteger groups = new AtomicInteger();
    private final Set<DisposableServer> servers = ConcurrentHashMap.newKeySet();
    private final Set<Connection> connections = ConcurrentHashMap.newKeySet();
    private final Set<UdpSocket> datagramSockets = ConcurrentHashMap.newKeySet();

    @SuppressWarnings("unchecked")
    SocketRuntime(int loops) {
        pools = new Map[loops];
        for (int i = 0; i < loops; i++) {
            pools[i] = new HashMap<>();
        }
    }

    /** The loop's pool of {@code count} buffers of {@code size} bytes, registered on first use; loop thread. */
    RecvBufferPool pool(EventLoop loop, int size, int count) throws IOException {
        Map<Long, RecvBufferPool> m = pools[loop.index()];
        long key = ((long) size << 32) | count;
        RecvBufferPool p = m.get(key);
        if (p == null) {
            p = RecvBufferPool.register(loop, groups.getAndIncrement() & 0xFFFF, count, size);
            m.put(key, p);
        }
        return p;
    }

    void opened(Connection c) {
        connections.add(c);
    }

    void closed(Connection c) {
        connections.remove(c);
    }

    void opened(UdpSocket s) {
        datagramSockets.add(s);
    }

    void closed(UdpSocket s) {
        datagramSockets.remove(s);
    }

    void opened(DisposableServer s) {
        servers.add(s);
    }

    void closed(DisposableServer s) {
        servers.remove(s);
    }

    /** Closes every server and connection and waits (bounded) for their fds to close; not on a loop. */
    void closeAll(Duration timeout) {
        List<Mono<Void>> closing = new ArrayList<>();
        for (DisposableServer s : servers) {
            s.dispose();
            closing.add(s.onDispose());
        }
        for (Connection c : connections) {
            c.dispose();
            closing.add(c.onClose());
        }
        for (UdpSocket u : datagramSockets) {
            u.dispose();
            closing.add(u.onClose());
        }
        if (!closing.isEmpty()) {
            try {
                Mono.when(closing).block(timeout);
            } catch (RuntimeException e) {
                // a loop that does not answer: the loops' close cancels what is left
            }
        }
    }

    /** Frees every pool's memory; after the loops ended. */
    void freeBuffers() {
        for (Map<Long, RecvBufferPool> m : pools) {
            for (RecvBufferPool p : m.values()) {
                p.close();
            }
            m.clear();
        }
    }
}
