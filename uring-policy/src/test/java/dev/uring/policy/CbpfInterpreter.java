package dev.uring.policy;

import dev.uring.core.CbpfInstruction;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/**
 * A small classic-BPF interpreter for the instructions io_uring filters may use, over a 40-byte
 * {@code struct io_uring_bpf_ctx}; it also checks the kernel's rules (aligned word loads inside the
 * context, forward jumps inside the program, a return at the end), so a program it accepts would pass
 * the kernel's checker on those points.
 */
final class CbpfInterpreter {
    static final int CTX_SIZE = 40;

    private CbpfInterpreter() {
    }

    static int run(List<CbpfInstruction> prog, byte[] ctx) {
        ByteBuffer mem = ByteBuffer.wrap(ctx).order(ByteOrder.LITTLE_ENDIAN);
        int a = 0;
        int x = 0;
        int pc = 0;
        while (true) {
            if (pc >= prog.size()) {
                throw new IllegalStateException("fell off the end of the program at " + pc);
            }
            CbpfInstruction in = prog.get(pc);
            int k = in.k();
            switch (in.code()) {
                case CbpfInstruction.LD_W_ABS -> {
                    if (k % 4 != 0 || k < 0 || k + 4 > CTX_SIZE) {
                        throw new IllegalStateException("load at " + k + " is not an aligned word of the context");
                    }
                    a = mem.getInt(k);
                }
                case CbpfInstruction.ALU_AND_K -> a &= k;
                case CbpfInstruction.ALU_LSH_K -> a <<= k;
                case CbpfInstruction.ALU_RSH_K -> a >>>= k;
                case CbpfInstruction.ALU_OR_X -> a |= x;
                case CbpfInstruction.MISC_TAX -> x = a;
                case CbpfInstruction.JA -> {
                    pc += k;
                }
                case CbpfInstruction.JEQ_K -> pc += a == k ? in.jt() : in.jf();
                case CbpfInstruction.JGT_K -> pc += Integer.compareUnsigned(a, k) > 0 ? in.jt() : in.jf();
                case CbpfInstruction.JGE_K -> pc += Integer.compareUnsigned(a, k) >= 0 ? in.jt() : in.jf();
                case CbpfInstruction.JSET_K -> pc += (a & k) != 0 ? in.jt() : in.jf();
                case CbpfInstruction.RET_K -> {
                    return k;
                }
                default -> throw new IllegalStateException("instruction 0x" + Integer.toHexString(in.code())
                        + " at " + pc + " is not one io_uring filters use here");
            }
            pc++;
        }
    }

    /** Encodes {@code a} as the kernel fills {@code struct io_uring_bpf_ctx}. */
    static byte[] context(OpArguments a, long userData) {
        ByteBuffer b = ByteBuffer.allocate(CTX_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(0, userData);
        b.put(8, (byte) a.op().code());
        b.put(9, (byte) a.sqeFlags());
        switch (a.op()) {
            case SOCKET -> {
                b.put(10, (byte) 12);
                b.putInt(16, a.family());
                b.putInt(20, a.type());
                b.putInt(24, a.protocol());
            }
            case OPENAT, OPENAT2 -> {
                b.put(10, (byte) 24);
                b.putLong(16, a.openFlags());
                b.putLong(24, 0644);
                b.putLong(32, a.resolve());
            }
            case CONNECT -> {
                b.put(10, (byte) 24);
                b.putInt(16, a.family());
                b.put(20, (byte) (a.port() >>> 8));
                b.put(21, (byte) a.port());
                for (int i = 0; i < a.address().length; i++) {
                    b.put(24 + i, a.address()[i]);
                }
            }
            default -> {
            }
        }
        return b.array();
    }
}
