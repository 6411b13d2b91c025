package dev.uring.policy;

import static dev.uring.core.CbpfInstruction.ALU_AND_K;
import static dev.uring.core.CbpfInstruction.ALU_LSH_K;
import static dev.uring.core.CbpfInstruction.ALU_OR_X;
import static dev.uring.core.CbpfInstruction.ALU_RSH_K;
import static dev.uring.core.CbpfInstruction.JA;
import static dev.uring.core.CbpfInstruction.JEQ_K;
import static dev.uring.core.CbpfInstruction.JGE_K;
import static dev.uring.core.CbpfInstruction.JGT_K;
import static dev.uring.core.CbpfInstruction.JSET_K;
import static dev.uring.core.CbpfInstruction.LD_W_ABS;
import static dev.uring.core.CbpfInstruction.MISC_TAX;
import static dev.uring.core.CbpfInstruction.RET_K;

import dev.uring.core.CbpfInstruction;
import dev.uring.core.Opcode;
import dev.uring.core.OpenHow;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * Compiles a policy's argument filters to classic BPF programs over the kernel's
 * {@code struct io_uring_bpf_ctx} (Linux 7.0: SOCKET, OPENAT, OPENAT2; 7.2: CONNECT), one program per
 * op: each rule that names the op is a block that jumps to "deny" (return 0) when it fails; a program
 * that runs off its last block returns 1. Loads are 32-bit aligned words, native (little) endian, as
 * the kernel allows. Directory roots and length bounds have no place in the context and stay Java-only.
 */
public final class CbpfCompiler {
    /** The ops whose context the kernel fills in (Linux 7.0). */
    public static final Set<Opcode> CONTEXT_OPS_7_0 = Set.copyOf(EnumSet.of(Opcode.SOCKET, Opcode.OPENAT, Opcode.OPENAT2));
    /** The ops whose context Linux 7.2 fills in. */
    public static final Set<Opcode> CONTEXT_OPS_7_2 =
            Set.copyOf(EnumSet.of(Opcode.SOCKET, Opcode.OPENAT, Opcode.OPENAT2, Opcode.CONNECT));

    // struct io_uring_bpf_ctx offsets (see dev.uring.core.ffi.IoUringBpfCtx)
    static final int SOCKET_FAMILY = 16;
    static final int SOCKET_TYPE = 20;
    static final int SOCKET_PROTOCOL = 24;
    static final int OPEN_FLAGS = 16;
    static final int OPEN_RESOLVE = 32;
    static final int CONNECT_FAMILY = 16;
    static final int CONNECT_PORT = 20;
    static final int CONNECT_ADDR = 24;

    private CbpfCompiler() {
    }

    /** One program per op of {@link #CONTEXT_OPS_7_0} that the policy's filters constrain. */
    public static Map<Opcode, List<CbpfInstruction>> compile(RingPolicy policy) {
        return compile(policy, CONTEXT_OPS_7_0);
    }

    /** One program per op of {@code contextOps} that the policy's filters constrain. */
    public static Map<Opcode, List<CbpfInstruction>> compile(RingPolicy policy, Set<Opcode> contextOps) {
        Map<Opcode, List<CbpfInstruction>> out = new EnumMap<>(Opcode.class);
        for (Opcode op : contextOps) {
            Asm asm = new Asm();
            boolean any = false;
            for (ArgumentFilter f : policy.filters()) {
                if (f.ops().contains(op) && emit(asm, f, op)) {
                    any = true;
                }
            }
            if (any) {
                out.put(op, asm.finish());
            }
        }
        return out;
    }

    private static boolean emit(Asm asm, ArgumentFilter f, Opcode op) {
        return switch (f) {
            case ArgumentFilter.Socket s -> {
                member(asm, SOCKET_FAMILY, -1, s.families());
                member(asm, SOCKET_TYPE, ArgumentFilter.SOCK_TYPE_MASK, s.types());
                member(asm, SOCKET_PROTOCOL, -1, s.protocols());
                yield true;
            }
            case ArgumentFilter.Open o -> {
                if (!o.write()) {
                    asm.ld(OPEN_FLAGS).jump(JSET_K, OpenFlagBits.O_ACCMODE | OpenFlagBits.O_TRUNC, asm.deny, null);
                }
                if (!o.create()) {
                    asm.ld(OPEN_FLAGS).jump(JSET_K, OpenFlagBits.CREATE_BITS, asm.deny, null);
                }
                if (o.beneath()) {
                    if (op == Opcode.OPENAT) {
                        asm.ja(asm.deny);
                    } else {
                        asm.ld(OPEN_RESOLVE).jump(JSET_K, (int) (OpenHow.RESOLVE_BENEATH | OpenHow.RESOLVE_IN_ROOT),
                                null, asm.deny);
                    }
                }
                yield true;
            }
            case ArgumentFilter.Connect c -> {
                connect(asm, c);
                yield true;
            }
            case ArgumentFilter.MaxLength m -> false;
        };
    }

    /** A = word at {@code off} (masked); deny unless A is one of {@code values} (empty: any). */
    private static void member(Asm asm, int off, int mask, Set<Integer> values) {
        if (values.isEmpty()) {
            return;
        }
        asm.ld(off);
        if (mask != -1) {
            asm.stmt(ALU_AND_K, mask);
        }
        Label ok = new Label();
        for (int v : new TreeSet<>(values)) {
            asm.jump(JEQ_K, v, ok, null);
        }
        asm.ja(asm.deny);
        asm.bind(ok);
    }

    private static void connect(Asm asm, ArgumentFilter.Connect c) {
        Label ok = new Label();
        for (ArgumentFilter.Destination d : c.destinations()) {
            Label next = new Label();
            asm.ld(CONNECT_FAMILY).jump(JEQ_K, d.family(), null, next);
            if (d.network().length > 0) {
                if (d.portLow() > 0 || d.portHigh() < 65535) {
                    // the port is big-endian in memory: swap its two bytes into A
                    asm.ld(CONNECT_PORT).stmt(ALU_AND_K, 0xff).stmt(ALU_LSH_K, 8).stmt(MISC_TAX, 0);
                    asm.ld(CONNECT_PORT).stmt(ALU_RSH_K, 8).stmt(ALU_AND_K, 0xff).stmt(ALU_OR_X, 0);
                    if (d.portLow() > 0) {
                        asm.jump(JGE_K, d.portLow(), null, next);
                    }
                    if (d.portHigh() < 65535) {
                        asm.jump(JGT_K, d.portHigh(), next, null);
                    }
                }
                byte[] net = d.network();
                for (int w = 0; w < net.length / 4; w++) {
                    int bits = Math.clamp(d.prefixLength() - 32L * w, 0, 32);
                    if (bits == 0) {
                        break;
                    }
                    int maskBe = bits == 32 ? -1 : ~(-1 >>> bits);
                    int wordBe = ((net[4 * w] & 0xff) << 24) | ((net[4 * w + 1] & 0xff) << 16)
                            | ((net[4 * w + 2] & 0xff) << 8) | (net[4 * w + 3] & 0xff);
                    asm.ld(CONNECT_ADDR + 4 * w);
                    if (bits < 32) {
                        asm.stmt(ALU_AND_K, Integer.reverseBytes(maskBe));
                    }
                    asm.jump(JEQ_K, Integer.reverseBytes(wordBe & maskBe), null, next);
                }
            }
            asm.ja(ok);
            asm.bind(next);
        }
        asm.ja(asm.deny);
        asm.bind(ok);
    }

    /** A jump target, bound to an instruction index once known. */
    private static final class Label {
        int at = -1;
    }

    /** A forward-only assembler: jumps name labels, resolved to offsets by {@link #finish()}. */
    private static final class Asm {
        private record Insn(int code, int k, @Nullable Label jt, @Nullable Label jf) {
        }

        final Label deny = new Label();
        private final List<Insn> code = new ArrayList<>();

        Asm ld(int off) {
            return stmt(LD_W_ABS, off);
        }

        Asm stmt(int c, int k) {
            code.add(new Insn(c, k, null, null));
            return this;
        }

        Asm jump(int c, int k, @Nullable Label jt, @Nullable Label jf) {
            code.add(new Insn(c, k, jt, jf));
            return this;
        }

        Asm ja(Label target) {
            code.add(new Insn(JA, 0, target, null));
            return this;
        }

        void bind(Label l) {
            l.at = code.size();
        }

        List<CbpfInstruction> finish() {
            int allowAt = code.size();
            deny.at = allowAt + 1;
            List<CbpfInstruction> out = new ArrayList<>(code.size() + 2);
            for (int i = 0; i < code.size(); i++) {
                Insn in = code.get(i);
                if (in.code() == JA) {
                    out.add(CbpfInstruction.stmt(JA, offset(i, in.jt(), Integer.MAX_VALUE)));
                } else {
                    out.add(new CbpfInstruction(in.code(), offset(i, in.jt(), 255), offset(i, in.jf(), 255), in.k()));
                }
            }
            out.add(CbpfInstruction.stmt(RET_K, 1));
            out.add(CbpfInstruction.stmt(RET_K, 0));
            return List.copyOf(out);
        }

        private int offset(int from, @Nullable Label to, int max) {
            if (to == null) {
                return 0;
            }
            int target = to.at < 0 ? code.size() : to.at;
            int off = target - (from + 1);
            if (off < 0 || off > max) {
                throw new IllegalStateException("cBPF jump of " + off + " does not fit; split the rule");
            }
            return off;
        }
    }
}
