package dev.uring.reactor.net;

import dev.uring.core.loop.EventLoop;
import dev.uring.reactor.op.OpRuntime;
import dev.uring.reactor.op.RuntimeResources;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The socket state of one runtime: each loop's receive buffer pools (one per buffer size and
 * count) and its send memory ({@link SendBuffers}), made on first use and freed once the loops ended. The runtime holds it as an
 * attachment of its {@link RuntimeResources}; open sockets register themselves there directly.
 */
public final class SocketRuntime implements AutoCloseable {
    private final Map<Long, RecvBufferPool>[] pools;
    private final SendBuffers[] sends;
    private final AtomicInteger groups = new AtomicInteger();

    @SuppressWarnings("unchecked")
    private SocketRuntime(int loops) {
        pools = new Map[loops];
        sends = new SendBuffers[loops];
        for (int i = 0; i < loops; i++) {
            pools[i] = new HashMap<>();
        }
    }

    /** The socket state of {@code rt}, made on first use and freed after its loops ended. */
    public static SocketRuntime of(OpRuntime rt) {
        return rt.resources().attachment(SocketRuntime.class, () -> new SocketRuntime(rt.group().size()));
    }

    /** The loop's pool of {@code count} buffers of {@code size} bytes, registered on first use; loop thread. */
    public RecvBufferPool pool(EventLoop loop, int size, int count) throws IOException {
        Map<Long, RecvBufferPool> m = pools[loop.index()];
        long key = ((long) size << 32) | count;
        RecvBufferPool p = m.get(key);
        if (p == null) {
            p = RecvBufferPool.register(loop, groups.getAndIncrement() & 0xFFFF, count, size);
            m.put(key, p);
        }
        return p;
    }

    /** The loop's send memory, made on first use; loop thread. */
    public SendBuffers sendBuffers(EventLoop loop) {
        SendBuffers b = sends[loop.index()];
        if (b == null) {
            b = new SendBuffers();
            sends[loop.index()] = b;
        }
        return b;
    }

    /** Frees every pool's memory; after the loops ended. */
    @Override
    public void close() {
        for (int i = 0; i < sends.length; i++) {
            SendBuffers b = sends[i];
            if (b != null) {
                sends[i] = null;
                b.close();
            }
        }
        for (Map<Long, RecvBufferPool> m : pools) {
            for (RecvBufferPool p : m.values()) {
                p.close();
            }
            m.clear();
        }
    }
}
