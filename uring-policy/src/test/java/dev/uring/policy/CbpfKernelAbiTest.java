package dev.uring.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uring.core.CbpfInstruction;
import dev.uring.core.Opcode;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The cBPF layer against the kernel's merged ABI rather than our own reading of it. Contexts are
 * built here byte by byte from {@code struct io_uring_bpf_ctx} in the uapi header (user_data u64 @0,
 * opcode u8 @8, sqe_flags u8 @9, pdu_size u8 @10, pad to 16; SOCKET: family, type, protocol u32 @16,
 * 20, 24; OPENAT/OPENAT2: flags, mode, resolve u64 @16, 24, 32), not with {@link CbpfInterpreter}'s
 * encoder. liburing's {@code test/cbpf_filter.c} programs, restated here as instruction lists, must get
 * that test's verdicts from the interpreter (which pins the interpreter), and our compiler's programs
 * must load the same fields and give the same verdicts (which pins the compiler), so that the two
 * cannot share a mistake unnoticed. A filter allows with a non-zero return and denies with 0.
 */
class CbpfKernelAbiTest {
    // uapi numbers, written from the headers
    private static final int AF_UNIX = 1;
    private static final int AF_INET = 2;
    private static final int AF_INET6 = 10;
    private static final int SOCK_STREAM = 1;
    private static final int SOCK_DGRAM = 2;
    private static final int SOCK_NONBLOCK = 0x800;
    private static final int SOCK_CLOEXEC = 0x80000;
    private static final int O_RDONLY = 0;
    private static final int O_RDWR = 2;
    private static final int O_CREAT = 0x40;
    private static final int O_DIRECTORY = 0x10000;
    private static final int RESOLVE_BENEATH = 0x08;
    private static final int RESOLVE_IN_ROOT = 0x10;
    private static final int LD_W_ABS = 0x20;
    private static final int ALU_AND_K = 0x54;
    private static final int JEQ_K = 0x15;
    private static final int JSET_K = 0x45;
    private static final int RET_K = 0x06;

    // liburing's test programs, in our own words
    private static final List<CbpfInstruction> ALLOW_ALL = List.of(CbpfInstruction.stmt(RET_K, 1));
    private static final List<CbpfInstruction> DENY_ALL = List.of(CbpfInstruction.stmt(RET_K, 0));
    /** family == AF_INET, else deny. */
    private static final List<CbpfInstruction> INET_ONLY = List.of(CbpfInstruction.stmt(LD_W_ABS, 16),
            CbpfInstruction.jump(JEQ_K, AF_INET, 0, 1), CbpfInstruction.stmt(RET_K, 1), CbpfInstruction.stmt(RET_K, 0));
    /** type & 0xf == SOCK_STREAM, else deny. */
    private static final List<CbpfInstruction> TCP_ONLY = List.of(CbpfInstruction.stmt(LD_W_ABS, 20),
            CbpfInstruction.stmt(ALU_AND_K, 0xf), CbpfInstruction.jump(JEQ_K, SOCK_STREAM, 0, 1),
            CbpfInstruction.stmt(RET_K, 1), CbpfInstruction.stmt(RET_K, 0));
    /** deny when O_CREAT is in the (low word of the) open flags. */
    private static final List<CbpfInstruction> DENY_O_CREAT = List.of(CbpfInstruction.stmt(LD_W_ABS, 16),
            CbpfInstruction.stmt(ALU_AND_K, O_CREAT), CbpfInstruction.jump(JEQ_K, 0, 1, 0),
            CbpfInstruction.stmt(RET_K, 0), CbpfInstruction.stmt(RET_K, 1));
    /** deny when RESOLVE_IN_ROOT is in the (low word of the) resolve flags. */
    private static final List<CbpfInstruction> DENY_RESOLVE_IN_ROOT = List.of(CbpfInstruction.stmt(LD_W_ABS, 32),
            CbpfInstruction.stmt(ALU_AND_K, RESOLVE_IN_ROOT), CbpfInstruction.jump(JEQ_K, 0, 1, 0),
            CbpfInstruction.stmt(RET_K, 0), CbpfInstruction.stmt(RET_K, 1));

    private static ByteBuffer header(int opcode, int pduSize) {
        ByteBuffer b = ByteBuffer.allocate(40).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(0, 0x5678L);
        b.put(8, (byte) opcode);
        b.put(9, (byte) 0);
        b.put(10, (byte) pduSize);
        return b;
    }

    private static byte[] socket(int family, int type) {
        ByteBuffer b = header(45, 12);
        b.putInt(16, family);
        b.putInt(20, type);
        b.putInt(24, 0);
        return b.array();
    }

    private static byte[] open(int opcode, long flags, long resolve) {
        ByteBuffer b = header(opcode, 24);
        b.putLong(16, flags);
        b.putLong(24, 0644);
        b.putLong(32, resolve);
        return b.array();
    }

    private static boolean allows(List<CbpfInstruction> prog, byte[] ctx) {
        return CbpfInterpreter.run(prog, ctx) != 0;
    }

    /** Every program of a stack must allow (the kernel runs them all, the task's after the ring's). */
    private static boolean allowsAll(byte[] ctx, List<List<CbpfInstruction>> stack) {
        return stack.stream().allMatch(p -> allows(p, ctx));
    }

    private static List<CbpfInstruction> compiled(RingPolicy p, Opcode op) {
        Map<Opcode, List<CbpfInstruction>> programs = CbpfCompiler.compile(p);
        assertThat(programs).containsKey(op);
        return programs.get(op);
    }

    private static RingPolicy socketPolicy(Set<Integer> families, Set<Integer> types) {
        return RingPolicy.builder("sockets").allow(Opcode.SOCKET)
                .filter(new ArgumentFilter.Socket(families, types, Set.of())).build();
    }

    @Test
    void liburingsProgramsGetLiburingsVerdictsFromTheInterpreter() {
        byte[] inetTcp = socket(AF_INET, SOCK_STREAM);
        byte[] inet6Tcp = socket(AF_INET6, SOCK_STREAM);
        byte[] unix = socket(AF_UNIX, SOCK_STREAM);
        byte[] inetUdp = socket(AF_INET, SOCK_DGRAM);
        assertThat(allows(ALLOW_ALL, header(0, 0).array())).isTrue();
        assertThat(allows(DENY_ALL, header(0, 0).array())).isFalse();
        assertThat(allows(INET_ONLY, inetTcp)).isTrue();
        assertThat(allows(INET_ONLY, inet6Tcp)).isFalse();
        assertThat(allows(INET_ONLY, unix)).isFalse();
        assertThat(allows(TCP_ONLY, inetTcp)).isTrue();
        assertThat(allows(TCP_ONLY, inetUdp)).isFalse();
        assertThat(allows(TCP_ONLY, inet6Tcp)).isTrue();
        assertThat(allows(TCP_ONLY, socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC))).isTrue();
        assertThat(allows(DENY_O_CREAT, open(18, O_CREAT | O_RDWR, 0))).isFalse();
        assertThat(allows(DENY_O_CREAT, open(18, O_RDONLY, 0))).isTrue();
        assertThat(allows(DENY_RESOLVE_IN_ROOT, open(28, O_RDONLY | O_DIRECTORY, RESOLVE_IN_ROOT))).isFalse();
        assertThat(allows(DENY_RESOLVE_IN_ROOT, open(28, O_RDONLY | O_DIRECTORY, 0))).isTrue();
        // stacking: inet-only then tcp-only; a child's allow-all cannot loosen a parent's deny-all
        List<List<CbpfInstruction>> stacked = List.of(TCP_ONLY, INET_ONLY);
        assertThat(allowsAll(inetTcp, stacked)).isTrue();
        assertThat(allowsAll(inetUdp, stacked)).isFalse();
        assertThat(allowsAll(inet6Tcp, stacked)).isFalse();
        assertThat(allowsAll(header(0, 0).array(), List.of(ALLOW_ALL, DENY_ALL))).isFalse();
    }

    @Test
    void aFamilyRuleLoadsTheFamilyWordAndDecidesLikeLiburingsInetOnlyProgram() {
        List<CbpfInstruction> prog = compiled(socketPolicy(Set.of(AF_INET), Set.of()), Opcode.SOCKET);
        assertThat(prog.getFirst()).isEqualTo(CbpfInstruction.stmt(LD_W_ABS, 16));
        assertThat(prog).contains(CbpfInstruction.jump(JEQ_K, AF_INET, prog.get(1).jt(), prog.get(1).jf()));
        for (int family : new int[] {AF_UNIX, AF_INET, AF_INET6, 16, 17}) {
            for (int type : new int[] {SOCK_STREAM, SOCK_DGRAM, 5, SOCK_STREAM | SOCK_NONBLOCK}) {
                byte[] ctx = socket(family, type);
                assertThat(allows(prog, ctx)).as("family %d type %d", family, type).isEqualTo(allows(INET_ONLY, ctx));
            }
        }
    }

    @Test
    void aTypeRuleMasksTheTypeWordAsLiburingsTcpOnlyProgramDoes() {
        List<CbpfInstruction> prog = compiled(socketPolicy(Set.of(), Set.of(SOCK_STREAM)), Opcode.SOCKET);
        assertThat(prog.subList(0, 2)).containsExactly(CbpfInstruction.stmt(LD_W_ABS, 20),
                CbpfInstruction.stmt(ALU_AND_K, 0xf));
        for (int type : new int[] {SOCK_STREAM, SOCK_DGRAM, 3, 5, SOCK_STREAM | SOCK_CLOEXEC, SOCK_DGRAM | SOCK_NONBLOCK}) {
            byte[] ctx = socket(AF_INET6, type);
            assertThat(allows(prog, ctx)).as("type 0x%x", type).isEqualTo(allows(TCP_ONLY, ctx));
        }
    }

    @Test
    void narrowedSocketRulesDecideLikeLiburingsStackedFilters() {
        RingPolicy both = socketPolicy(Set.of(AF_INET), Set.of()).narrow(socketPolicy(Set.of(), Set.of(SOCK_STREAM)));
        List<CbpfInstruction> prog = compiled(both, Opcode.SOCKET);
        for (int family : new int[] {AF_UNIX, AF_INET, AF_INET6}) {
            for (int type : new int[] {SOCK_STREAM, SOCK_DGRAM}) {
                byte[] ctx = socket(family, type);
                assertThat(allows(prog, ctx)).as("family %d type %d", family, type)
                        .isEqualTo(allowsAll(ctx, List.of(TCP_ONLY, INET_ONLY)));
            }
        }
    }

    @Test
    void aNoCreateRuleTestsTheLowWordOfTheOpenFlagsForOCreatAsLiburingsProgramDoes() {
        RingPolicy p = RingPolicy.builder("no-create").allow(Opcode.OPENAT)
                .filter(new ArgumentFilter.Open(true, false, (java.nio.file.Path) null, false)).build();
        List<CbpfInstruction> prog = compiled(p, Opcode.OPENAT);
        assertThat(prog.getFirst()).isEqualTo(CbpfInstruction.stmt(LD_W_ABS, 16));
        assertThat(prog.get(1).code()).isEqualTo(JSET_K);
        assertThat(prog.get(1).k() & O_CREAT).isEqualTo(O_CREAT);
        for (long flags : new long[] {O_RDONLY, O_RDWR, O_CREAT | O_RDWR, O_CREAT, O_DIRECTORY}) {
            byte[] ctx = open(18, flags, 0);
            assertThat(allows(prog, ctx)).as("flags 0x%x", flags).isEqualTo(allows(DENY_O_CREAT, ctx));
        }
    }

    @Test
    void aBeneathRuleTestsTheLowWordOfTheResolveFieldOfOpenat2AndRefusesOpenat() {
        RingPolicy p = RingPolicy.builder("beneath").allow(Opcode.OPENAT, Opcode.OPENAT2)
                .filter(new ArgumentFilter.Open(true, true, (java.nio.file.Path) null, true)).build();
        List<CbpfInstruction> openat2 = compiled(p, Opcode.OPENAT2);
        assertThat(openat2.getFirst()).isEqualTo(CbpfInstruction.stmt(LD_W_ABS, 32));
        assertThat(openat2.get(1).code()).isEqualTo(JSET_K);
        assertThat(openat2.get(1).k()).isEqualTo(RESOLVE_BENEATH | RESOLVE_IN_ROOT);
        assertThat(allows(openat2, open(28, O_RDONLY, RESOLVE_BENEATH))).isTrue();
        assertThat(allows(openat2, open(28, O_RDONLY, RESOLVE_IN_ROOT))).isTrue();
        assertThat(allows(openat2, open(28, O_RDONLY, 0))).isFalse();
        // liburing's RESOLVE_IN_ROOT program reads the same word: it denies exactly where the bit is set
        assertThat(allows(DENY_RESOLVE_IN_ROOT, open(28, O_RDONLY, RESOLVE_IN_ROOT))).isFalse();
        List<CbpfInstruction> openat = compiled(p, Opcode.OPENAT);
        assertThat(allows(openat, open(18, O_RDONLY, 0))).as("OPENAT cannot resolve beneath: refused").isFalse();
    }

    @Test
    void programsLoadOnlyInsideTheContextPartTheyDeclare() {
        RingPolicy p = PolicyProfiles.builtIn("network-client").narrow(PolicyProfiles.builtIn("read-only-files"))
                .narrow(RingPolicy.builder("beneath").allow(Opcode.values())
                        .filter(new ArgumentFilter.Open(false, false, (java.nio.file.Path) null, true)).build());
        Map<Opcode, Integer> pduSize = Map.of(Opcode.SOCKET, 12, Opcode.OPENAT, 24, Opcode.OPENAT2, 24);
        for (Map.Entry<Opcode, List<CbpfInstruction>> e : CbpfCompiler.compile(p).entrySet()) {
            for (CbpfInstruction in : e.getValue()) {
                if (in.code() == LD_W_ABS) {
                    assertThat(in.k()).as("%s load", e.getKey()).isBetween(16, 16 + pduSize.get(e.getKey()) - 4);
                }
            }
        }
    }
}
