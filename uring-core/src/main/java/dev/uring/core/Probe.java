package dev.uring.core;

import dev.uring.core.ffi.IoUringProbe;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.EnumSet;
import java.util.Set;

/**
 * Which ops the running kernel supports (IORING_REGISTER_PROBE) and which features the ring
 * reported. An op the kernel lacks is refused by {@link #require(Opcode)} with a message naming it.
 */
public final class Probe {
    private final Set<Opcode> supported;
    private final int lastOp;
    private final int features;

    private Probe(Set<Opcode> supported, int lastOp, int features) {
        this.supported = supported;
        this.lastOp = lastOp;
        this.features = features;
    }

    static Probe of(Ring ring) throws IOException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment probe = a.allocate(IoUringProbe.SIZE, 8);
            ring.register(RegisterOp.PROBE, probe.address(), IoUringProbe.MAX_OPS);
            Set<Opcode> ops = EnumSet.noneOf(Opcode.class);
            int len = IoUringProbe.opsLen(probe);
            Opcode[] all = Opcode.values();
            for (int i = 0; i < len && i < all.length; i++) {
                if (IoUringProbe.supported(probe, i)) {
                    ops.add(all[i]);
                }
            }
            return new Probe(ops, IoUringProbe.lastOp(probe), ring.features());
        }
    }

    /** Whether the kernel supports {@code op}. */
    public boolean isSupported(Opcode op) {
        return supported.contains(op);
    }

    /**
     * Checks that the kernel supports {@code op}.
     *
     * @throws UnsupportedOperationException naming the op and the kernel's last op otherwise
     */
    public void require(Opcode op) {
        if (!supported.contains(op)) {
            throw new UnsupportedOperationException("io_uring op " + op + " (" + op.code()
                    + ") is not supported by this kernel (its last op is " + lastOp + ")");
        }
    }

    /** The supported ops. */
    public Set<Opcode> supportedOps() {
        return EnumSet.copyOf(supported);
    }

    /** The highest op number the kernel knows. */
    public int lastOp() {
        return lastOp;
    }

    /** The {@code IORING_FEAT_*} bits of the ring that was probed. */
    public int features() {
        return features;
    }

    /** Whether {@code IORING_FEAT_*} bit {@code feature} is set. */
    public boolean hasFeature(int feature) {
        return (features & feature) == feature;
    }
}
