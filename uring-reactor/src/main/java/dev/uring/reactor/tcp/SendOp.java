package dev.uring.reactor.tcp;

import dev.uring.core.Opcode;
import dev.uring.core.SocketFlags;
import dev.uring.core.Sqe;
import dev.uring.reactor.net.ZeroCopyCounts;
import dev.uring.reactor.op.ArenaOp;
import dev.uring.reactor.op.Errnos;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import org.jspecify.annotations.Nullable;

/**
 * IORING_OP_SEND of all of one buffer, submitted again after a short send. Native memory (a
 * direct buffer, a received ring buffer) is sent in place; a heap buffer goes through a bounce
 * buffer of at most {@link #BOUNCE} bytes in the op's arena, refilled for each round. A chunk of
 * at least the connection's {@link TcpOptions#zeroCopyThreshold()} goes out with SEND_ZC, and the
 * op then ends only at the kernel's notification, so neither the caller's buffer nor the bounce
 * buffer is handed back (or refilled) while the kernel may still read it.
 */
final class SendOp extends ArenaOp<Void> {
    static final int BOUNCE = 256 * 1024;

    private final Connection conn;
    private final @Nullable ByteBuffer src;
    private final MemorySegment data;
    private final boolean native_;
    private @Nullable MemorySegment bounce;
    private long sent;
    /** Whether the SQE last prepared is a SEND_ZC; false for good once the socket refused zero copy. */
    private boolean zeroCopy;
    private boolean zeroCopyRefused;

    /** Sends {@code src}'s remaining bytes and moves its position past them when done. */
    SendOp(Connection conn, ByteBuffer src) {
        super(conn.handle());
        this.conn = conn;
        this.src = src;
        this.data = MemorySegment.ofBuffer(src);
        this.native_ = src.isDirect();
    }

    /** Sends the native {@code data} (received ring memory). */
    SendOp(Connection conn, MemorySegment data) {
        super(conn.handle());
        this.conn = conn;
        this.src = null;
        this.data = data;
        this.native_ = true;
    }

    @Override
    public void prep(Sqe sqe) {
        long left = data.byteSize() - sent;
        MemorySegment chunk;
        if (native_) {
            chunk = data.asSlice(sent, Math.min(left, Integer.MAX_VALUE));
        } else {
            MemorySegment b = bounce;
            if (b == null) {
                b = arena().allocate(Math.min(left, BOUNCE), 64);
                bounce = b;
            }
            long n = Math.min(left, b.byteSize());
            MemorySegment.copy(data, sent, b, 0, n);
            chunk = b.asSlice(0, n);
        }
        int threshold = conn.zeroCopyThreshold();
        zeroCopy = threshold > 0 && !zeroCopyRefused && chunk.byteSize() >= threshold;
        if (zeroCopy) {
            ZeroCopyCounts.SENDS.increment();
            sqe.prepSendZc(fd(), chunk, SocketFlags.MSG_NOSIGNAL, 0);
        } else {
            sqe.prepSend(fd(), chunk, SocketFlags.MSG_NOSIGNAL);
        }
    }

    @Override
    public void notified(int res) {
        ZeroCopyCounts.NOTIFICATIONS.increment();
    }

    @Override
    public boolean again(int res) {
        if (res == -Errnos.EOPNOTSUPP && zeroCopy) {
            zeroCopyRefused = true; // a Unix socket: the same bytes again, with a plain SEND
            return true;
        }
        if (res < 0) {
            return false;
        }
        sent += res;
        conn.touch();
        return sent < data.byteSize();
    }

    @Override
    public @Nullable Void result(int res) {
        ByteBuffer s = src;
        if (s != null) {
            s.position(s.limit());
        }
        return null;
    }

    @Override
    public Throwable error(int res) {
        return conn.error(res, "SEND");
    }

    @Override
    public Opcode opcode() {
        return Opcode.SEND;
    }
}
