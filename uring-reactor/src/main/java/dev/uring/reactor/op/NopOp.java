package dev.uring.reactor.op;

import dev.uring.core.Opcode;
import dev.uring.core.Sqe;
import org.jspecify.annotations.Nullable;

/** IORING_OP_NOP: a round trip through a loop's ring (the health check's probe). */
public final class NopOp implements UringOperation<Integer> {
    @Override
    public void prep(Sqe sqe) {
        sqe.prepNop();
    }

    @Override
    public Integer result(int res) {
        return res;
    }

    @Override
    public Opcode opcode() {
        return Opcode.NOP;
    }

    @Override
    public @Nullable String target() {
        return null;
    }

    @Override
    public void release() {
    }
}
