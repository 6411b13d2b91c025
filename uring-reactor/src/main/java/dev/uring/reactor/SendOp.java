package dev.uring.reactor;

import dev.uring.core.SocketFlags;
import dev.uring.core.Sqe;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import org.jspecify.annotations.Nullable;

/**
 * IORING_OP_SEND of all of one buffer, submitted again after a short send. Native memory (a
 * direct buffer, a received ring buffer) is sent in place; a heap buffer goes through a bounce
 * buffer of at most {@link #BOUNCE} bytes in the op's arena, refilled for each round.
 */
final class SendOp extends ArenaOp<Void> {
    static final int BOUNCE = 256 * 1024;

    private final Connection conn;
    private final @Nullable ByteBuffer src;
    private final MemorySegment data;
    private final boolean native_;
    private @Nullable MemorySegment bounce;
    private long sent;

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
        sqe.prepSend(fd(), chunk, SocketFlags.MSG_NOSIGNAL);
    }

    @Override
    public boolean again(int res) {
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
    public String name() {
        return "SEND";
    }
}
