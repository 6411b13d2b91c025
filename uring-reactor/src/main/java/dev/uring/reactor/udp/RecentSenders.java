package dev.uring.reactor.udp;

import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED;

import dev.uring.core.SocketAddresses;
import java.lang.foreign.MemorySegment;
import java.net.SocketAddress;
import org.jspecify.annotations.Nullable;

/**
 * The decoded senders of recent datagrams, so that a peer heard from again is not decoded (an
 * {@code InetAddress} and an {@code InetSocketAddress} per datagram) again: a direct-mapped table of
 * {@link #SLOTS} entries keyed by the sockaddr bytes, hashed on the port and the address's last
 * four bytes. A server with many peers keeps its busiest ones here; a collision only costs a decode.
 * Loop thread only.
 */
final class RecentSenders {
    static final int SLOTS = 64;
    private final int room;
    /** Entry i's sockaddr bytes at {@code i * room}. */
    private final MemorySegment names;
    private final int[] lengths = new int[SLOTS];
    private final @Nullable SocketAddress[] senders = new SocketAddress[SLOTS];

    /** {@code room}: the longest sockaddr kept (the receive template's name room). */
    RecentSenders(int room) {
        this.room = room;
        this.names = MemorySegment.ofArray(new byte[SLOTS * room]);
    }

    /**
     * The sender whose sockaddr is {@code name} (as the kernel wrote it, 8 to {@code room} bytes);
     * decoded on a miss, which then takes the entry.
     */
    SocketAddress get(MemorySegment name) {
        int n = (int) name.byteSize();
        int h = name.get(JAVA_SHORT_UNALIGNED, 2) * 0x9E3779B1 + name.get(JAVA_INT_UNALIGNED, n - 4);
        int i = (h ^ h >>> 16) & (SLOTS - 1);
        long at = (long) i * room;
        SocketAddress s = senders[i];
        if (s != null && lengths[i] == n && MemorySegment.mismatch(name, 0, n, names, at, at + n) == -1) {
            return s;
        }
        s = SocketAddresses.decode(name, n);
        MemorySegment.copy(name, 0, names, at, n);
        lengths[i] = n;
        senders[i] = s;
        return s;
    }
}
