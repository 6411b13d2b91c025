package dev.uring.reactor.tcp;

import dev.uring.core.SocketAddresses;
import dev.uring.core.SocketOption;
import java.io.IOException;
import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The socket options and buffer sizes of a {@link TcpServer} or {@link TcpClient}: immutable, each
 * {@code with}-style setter returns a copy. Start from {@link #defaults()}.
 *
 * <p>Received data lands in a provided buffer ring that each loop shares between its connections
 * of the same {@link #readBufferSize()} and {@link #readBufferCount()}; a connection holds buffers
 * only while its subscriber has demand or has not released them yet.
 */
public final class TcpOptions {
    /** The default {@link #readBufferSize()}: 16 KiB. */
    public static final int DEFAULT_READ_BUFFER_SIZE = 16 * 1024;
    /** The default {@link #readBufferCount()}: 256 buffers per loop. */
    public static final int DEFAULT_READ_BUFFER_COUNT = 256;
    /** The default {@link #backlog()}. */
    public static final int DEFAULT_BACKLOG = 1024;

    private static final TcpOptions DEFAULTS = new TcpOptions(true, false, true, false, DEFAULT_BACKLOG, 0, 0,
            DEFAULT_READ_BUFFER_SIZE, DEFAULT_READ_BUFFER_COUNT, null, null, 0);

    private final boolean noDelay;
    private final boolean keepAlive;
    private final boolean reuseAddress;
    private final boolean reusePort;
    private final int backlog;
    private final int receiveBufferSize;
    private final int sendBufferSize;
    private final int readBufferSize;
    private final int readBufferCount;
    private final @Nullable Duration connectTimeout;
    private final @Nullable Duration idleTimeout;
    private final int zeroCopyThreshold;

    private TcpOptions(boolean noDelay, boolean keepAlive, boolean reuseAddress, boolean reusePort, int backlog,
            int receiveBufferSize, int sendBufferSize, int readBufferSize, int readBufferCount,
            @Nullable Duration connectTimeout, @Nullable Duration idleTimeout, int zeroCopyThreshold) {
        this.noDelay = noDelay;
        this.keepAlive = keepAlive;
        this.reuseAddress = reuseAddress;
        this.reusePort = reusePort;
        this.backlog = backlog;
        this.receiveBufferSize = receiveBufferSize;
        this.sendBufferSize = sendBufferSize;
        this.readBufferSize = readBufferSize;
        this.readBufferCount = readBufferCount;
        this.connectTimeout = connectTimeout;
        this.idleTimeout = idleTimeout;
        this.zeroCopyThreshold = zeroCopyThreshold;
    }

    /**
     * TCP_NODELAY on, SO_KEEPALIVE off, SO_REUSEADDR on, SO_REUSEPORT off, a backlog of
     * {@value #DEFAULT_BACKLOG}, the kernel's socket buffer sizes, {@value #DEFAULT_READ_BUFFER_COUNT}
     * read buffers of {@value #DEFAULT_READ_BUFFER_SIZE} bytes per loop, no connect or idle timeout.
     */
    public static TcpOptions defaults() {
        return DEFAULTS;
    }

    /** TCP_NODELAY: send small segments at once instead of coalescing them (Nagle off); ignored for Unix sockets. */
    public TcpOptions noDelay(boolean on) {
        return new TcpOptions(on, keepAlive, reuseAddress, reusePort, backlog, receiveBufferSize, sendBufferSize,
                readBufferSize, readBufferCount, connectTimeout, idleTimeout, zeroCopyThreshold);
    }

    /** SO_KEEPALIVE: probe idle connections so that a vanished peer is noticed. */
    public TcpOptions keepAlive(boolean on) {
        return new TcpOptions(noDelay, on, reuseAddress, reusePort, backlog, receiveBufferSize, sendBufferSize,
                readBufferSize, readBufferCount, connectTimeout, idleTimeout, zeroCopyThreshold);
    }

    /** SO_REUSEADDR on a listening socket: bind a port whose old connections linger in TIME_WAIT. */
    public TcpOptions reuseAddress(boolean on) {
        return new TcpOptions(noDelay, keepAlive, on, reusePort, backlog, receiveBufferSize, sendBufferSize,
                readBufferSize, readBufferCount, connectTimeout, idleTimeout, zeroCopyThreshold);
    }

    /** SO_REUSEPORT on a listening socket: let other sockets (of this or another process) bind the same port. */
    public TcpOptions reusePort(boolean on) {
        return new TcpOptions(noDelay, keepAlive, reuseAddress, on, backlog, receiveBufferSize, sendBufferSize,
                readBufferSize, readBufferCount, connectTimeout, idleTimeout, zeroCopyThreshold);
    }

    /**
     * The listen backlog (the kernel caps it at net.core.somaxconn).
     *
     * @throws IllegalArgumentException when {@code backlog} is not positive
     */
    public TcpOptions backlog(int backlog) {
        positive("backlog", backlog);
        return new TcpOptions(noDelay, keepAlive, reuseAddress, reusePort, backlog, receiveBufferSize,
                sendBufferSize, readBufferSize, readBufferCount, connectTimeout, idleTimeout, zeroCopyThreshold);
    }

    /**
     * SO_RCVBUF in bytes; 0 keeps the kernel's default (and its auto-tuning).
     *
     * @throws IllegalArgumentException when {@code bytes} is negative
     */
    public TcpOptions receiveBufferSize(int bytes) {
        notNegative("receiveBufferSize", bytes);
        return new TcpOptions(noDelay, keepAlive, reuseAddress, reusePort, backlog, bytes, sendBufferSize,
                readBufferSize, readBufferCount, connectTimeout, idleTimeout, zeroCopyThreshold);
    }

    /**
     * SO_SNDBUF in bytes; 0 keeps the kernel's default (and its auto-tuning).
     *
     * @throws IllegalArgumentException when {@code bytes} is negative
     */
    public TcpOptions sendBufferSize(int bytes) {
        notNegative("sendBufferSize", bytes);
        return new TcpOptions(noDelay, keepAlive, reuseAddress, reusePort, backlog, receiveBufferSize, bytes,
                readBufferSize, readBufferCount, connectTimeout, idleTimeout, zeroCopyThreshold);
    }

    /**
     * The size of each buffer of the loop's provided buffer ring: the most bytes one
     * {@link ReceivedBuffer} holds.
     *
     * @throws IllegalArgumentException when {@code bytes} is not in 64..16 MiB
     */
    public TcpOptions readBufferSize(int bytes) {
        if (bytes < 64 || bytes > 16 * 1024 * 1024) {
            throw new IllegalArgumentException("readBufferSize must be in 64..16777216 bytes, got " + bytes);
        }
        return new TcpOptions(noDelay, keepAlive, reuseAddress, reusePort, backlog, receiveBufferSize,
                sendBufferSize, bytes, readBufferCount, connectTimeout, idleTimeout, zeroCopyThreshold);
    }

    /**
     * The number of buffers in each loop's provided buffer ring, shared by the loop's connections;
     * when all are held, receiving pauses (no data is lost) until one is released.
     *
     * @throws IllegalArgumentException when {@code count} is not a power of two in 1..32768
     */
    public TcpOptions readBufferCount(int count) {
        if (count < 1 || count > 32768 || Integer.bitCount(count) != 1) {
            throw new IllegalArgumentException("readBufferCount must be a power of two in 1..32768, got " + count);
        }
        return new TcpOptions(noDelay, keepAlive, reuseAddress, reusePort, backlog, receiveBufferSize,
                sendBufferSize, readBufferSize, count, connectTimeout, idleTimeout, zeroCopyThreshold);
    }

    /**
     * The longest a connect may take, enforced by a kernel LINK_TIMEOUT; past it the connect
     * fails with {@link java.util.concurrent.TimeoutException}. Null for none.
     *
     * @throws IllegalArgumentException when {@code timeout} is zero or negative
     */
    public TcpOptions connectTimeout(@Nullable Duration timeout) {
        positive("connectTimeout", timeout);
        return new TcpOptions(noDelay, keepAlive, reuseAddress, reusePort, backlog, receiveBufferSize,
                sendBufferSize, readBufferSize, readBufferCount, timeout, idleTimeout, zeroCopyThreshold);
    }

    /**
     * How long a connection may go without receiving or sending anything: past it the inbound
     * Flux fails with {@link java.util.concurrent.TimeoutException} and the connection is closed.
     * Timed by kernel TIMEOUT ops. Null for none.
     *
     * @throws IllegalArgumentException when {@code timeout} is zero or negative
     */
    public TcpOptions idleTimeout(@Nullable Duration timeout) {
        positive("idleTimeout", timeout);
        return new TcpOptions(noDelay, keepAlive, reuseAddress, reusePort, backlog, receiveBufferSize,
                sendBufferSize, readBufferSize, readBufferCount, connectTimeout, timeout, zeroCopyThreshold);
    }

    /**
     * Sends buffers of at least {@code bytes} with zero-copy SEND_ZC (the kernel sends from the
     * buffer itself instead of copying it into the socket; the send completes only after the
     * kernel's notification that it let go of the buffer); smaller ones with a plain SEND. 0 (the
     * default) turns zero copy off: it pays off only for large writes on real NICs (over loopback
     * the kernel copies anyway), and has not been measured here to be a better default. A socket
     * that refuses zero copy (a Unix socket: EOPNOTSUPP) falls back to SEND.
     *
     * @throws IllegalArgumentException when {@code bytes} is negative
     */
    public TcpOptions zeroCopyThreshold(int bytes) {
        notNegative("zeroCopyThreshold", bytes);
        return new TcpOptions(noDelay, keepAlive, reuseAddress, reusePort, backlog, receiveBufferSize,
                sendBufferSize, readBufferSize, readBufferCount, connectTimeout, idleTimeout, bytes);
    }

    /** The size from which a send is zero-copy, or 0 when zero copy is off. */
    public int zeroCopyThreshold() {
        return zeroCopyThreshold;
    }

    /** Whether TCP_NODELAY is set. */
    public boolean noDelay() {
        return noDelay;
    }

    /** Whether SO_KEEPALIVE is set. */
    public boolean keepAlive() {
        return keepAlive;
    }

    /** Whether SO_REUSEADDR is set on listening sockets. */
    public boolean reuseAddress() {
        return reuseAddress;
    }

    /** Whether SO_REUSEPORT is set on listening sockets. */
    public boolean reusePort() {
        return reusePort;
    }

    /** The listen backlog. */
    public int backlog() {
        return backlog;
    }

    /** SO_RCVBUF, or 0 for the kernel's default. */
    public int receiveBufferSize() {
        return receiveBufferSize;
    }

    /** SO_SNDBUF, or 0 for the kernel's default. */
    public int sendBufferSize() {
        return sendBufferSize;
    }

    /** The size of each provided read buffer. */
    public int readBufferSize() {
        return readBufferSize;
    }

    /** The number of provided read buffers per loop. */
    public int readBufferCount() {
        return readBufferCount;
    }

    /** The connect timeout, or null for none. */
    public @Nullable Duration connectTimeout() {
        return connectTimeout;
    }

    /** The idle timeout, or null for none. */
    public @Nullable Duration idleTimeout() {
        return idleTimeout;
    }

    private static void positive(String name, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be positive, got " + value);
        }
    }

    private static void notNegative(String name, int value) {
        if (value < 0) {
            throw new IllegalArgumentException(name + " must not be negative, got " + value);
        }
    }

    private static void positive(String name, @Nullable Duration value) {
        if (value != null && (value.isNegative() || value.isZero())) {
            throw new IllegalArgumentException(name + " must be positive, got " + value);
        }
    }

    /**
     * Sets these options on socket {@code fd} of {@code family}: the listener's (SO_REUSEADDR,
     * SO_REUSEPORT) or a connection's (TCP_NODELAY, SO_KEEPALIVE), and the buffer sizes. The TCP and
     * address-reuse options are skipped for Unix domain sockets, which have none.
     */
    void applyTo(int fd, int family, boolean listener) throws IOException {
        boolean inet = family != SocketAddresses.AF_UNIX;
        if (listener) {
            if (inet && reuseAddress) {
                SocketOption.SO_REUSEADDR.set(fd, true);
            }
            if (inet && reusePort) {
                SocketOption.SO_REUSEPORT.set(fd, true);
            }
        } else {
            if (inet && noDelay) {
                SocketOption.TCP_NODELAY.set(fd, true);
            }
            if (inet && keepAlive) {
                SocketOption.SO_KEEPALIVE.set(fd, true);
            }
        }
        if (receiveBufferSize > 0) {
            SocketOption.SO_RCVBUF.set(fd, receiveBufferSize);
        }
        if (sendBufferSize > 0) {
            SocketOption.SO_SNDBUF.set(fd, sendBufferSize);
        }
    }

    @Override
    public boolean equals(@Nullable Object o) {
        return o instanceof TcpOptions t && noDelay == t.noDelay && keepAlive == t.keepAlive
                && reuseAddress == t.reuseAddress && reusePort == t.reusePort && backlog == t.backlog
                && receiveBufferSize == t.receiveBufferSize && sendBufferSize == t.sendBufferSize
                && readBufferSize == t.readBufferSize && readBufferCount == t.readBufferCount
                && Objects.equals(connectTimeout, t.connectTimeout) && Objects.equals(idleTimeout, t.idleTimeout)
                && zeroCopyThreshold == t.zeroCopyThreshold;
    }

    @Override
    public int hashCode() {
        return Objects.hash(noDelay, keepAlive, reuseAddress, reusePort, backlog, receiveBufferSize, sendBufferSize,
                readBufferSize, readBufferCount, connectTimeout, idleTimeout, zeroCopyThreshold);
    }

    @Override
    public String toString() {
        return "TcpOptions[noDelay=" + noDelay + ", keepAlive=" + keepAlive + ", reuseAddress=" + reuseAddress
                + ", reusePort=" + reusePort + ", backlog=" + backlog + ", receiveBufferSize=" + receiveBufferSize
                + ", sendBufferSize=" + sendBufferSize + ", readBufferSize=" + readBufferSize + ", readBufferCount="
                + readBufferCount + ", connectTimeout=" + connectTimeout + ", idleTimeout=" + idleTimeout
                + ", zeroCopyThreshold=" + zeroCopyThreshold + "]";
    }
}
