package dev.uring.reactor.tcp;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.zip.CRC32;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Shared pieces of the TCP tests: payloads, checksums and the echo exchange. */
public final class Tcp {
    private Tcp() {
    }

    public static InetSocketAddress loopback() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    }

    /** Deterministic bytes that differ at every position (a shifted or dropped chunk changes the CRC). */
    public static byte[] payload(int size, long seed) {
        byte[] b = new byte[size];
        long x = seed * 0x9E3779B97F4A7C15L + 1;
        for (int i = 0; i < size; i++) {
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
            b[i] = (byte) x;
        }
        return b;
    }

    public static long crc(byte[] b) {
        CRC32 c = new CRC32();
        c.update(b);
        return c.getValue();
    }

    /** Sums the received bytes into a CRC and a count, releasing every buffer. */
    public static final class Sum {
        final CRC32 crc = new CRC32();
        long bytes;

        Sum add(ReceivedBuffer b) {
            try {
                crc.update(b.buffer());
                bytes += b.length();
            } finally {
                b.release();
            }
            return this;
        }
    }

    /**
     * Sends {@code data} in chunks of {@code chunk} bytes (direct buffers when {@code direct}),
     * half-closes, and reads until the peer's end of stream; yields what came back.
     */
    public static Mono<Sum> exchange(Connection c, byte[] data, int chunk, boolean direct) {
        Flux<ByteBuffer> out = Flux.range(0, (data.length + chunk - 1) / chunk).map(i -> {
            int from = i * chunk;
            int n = Math.min(chunk, data.length - from);
            if (direct) {
                ByteBuffer d = ByteBuffer.allocateDirect(n);
                d.put(data, from, n).flip();
                return d;
            }
            return ByteBuffer.wrap(data, from, n);
        });
        Mono<Void> send = c.send(out).then(c.shutdownOutput());
        Mono<Sum> receive = c.receive().reduce(new Sum(), Sum::add);
        return Mono.zip(send.thenReturn(true), receive).map(t -> t.getT2());
    }

    /** A server handler that echoes everything back without a copy, and closes at the end of stream. */
    public static reactor.core.publisher.Mono<Void> echo(Connection c) {
        return c.sendReceived(c.receive());
    }
}
