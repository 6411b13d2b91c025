package dev.uring.reactor.udp;

import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * A datagram to send with {@link UdpSocket#sendDatagrams}: its bytes (the buffer's remaining ones)
 * and where to. A direct buffer is sent in place (leave it alone until the send completes); a
 * heap buffer is copied first.
 *
 * @param content the bytes, from position to limit
 * @param recipient the destination (an unresolved address is refused)
 */
public record OutboundDatagram(ByteBuffer content, SocketAddress recipient) {
    /** Checks both are present. */
    public OutboundDatagram {
        Objects.requireNonNull(content, "content");
        Objects.requireNonNull(recipient, "recipient");
    }
}
