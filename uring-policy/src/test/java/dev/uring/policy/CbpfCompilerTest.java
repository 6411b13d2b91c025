package dev.uring.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uring.core.CbpfInstruction;
import dev.uring.core.Opcode;
import dev.uring.core.OpenFlags;
import dev.uring.core.OpenHow;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The compiled cBPF programs decide like the Java filters, for random contexts. */
class CbpfCompilerTest {
    private static final int[] FAMILIES = {1, 2, 10, 16, 17};

    private static ArgumentFilter randomFilter(Random rnd) throws Exception {
        return switch (rnd.nextInt(3)) {
            case 0 -> new ArgumentFilter.Socket(pick(rnd, FAMILIES), pick(rnd, new int[] {1, 2, 3, 5}),
                    pick(rnd, new int[] {0, 6, 17}));
            case 1 -> new ArgumentFilter.Open(rnd.nextBoolean(), rnd.nextBoolean(), null, rnd.nextBoolean());
            default -> {
                List<ArgumentFilter.Destination> d = new ArrayList<>();
                for (int i = rnd.nextInt(4); i > 0; i--) {
                    d.add(randomDestination(rnd));
                }
                yield new ArgumentFilter.Connect(d);
            }
        };
    }

    private static ArgumentFilter.Destination randomDestination(Random rnd) throws Exception {
        int kind = rnd.nextInt(5);
        if (kind == 0) {
            return ArgumentFilter.Destination.unix();
        }
        byte[] addr = new byte[kind <= 2 ? 4 : 16];
        rnd.nextBytes(addr);
        int low = rnd.nextBoolean() ? 0 : rnd.nextInt(65536);
        int high = rnd.nextBoolean() ? 65535 : low + rnd.nextInt(65536 - low);
        return ArgumentFilter.Destination.inet(InetAddress.getByAddress(addr), rnd.nextInt(addr.length * 8 + 1), low, high);
    }

    private static Set<Integer> pick(Random rnd, int[] from) {
        Set<Integer> out = new java.util.HashSet<>();
        if (rnd.nextInt(3) == 0) {
            return out;
        }
        for (int v : from) {
            if (rnd.nextBoolean()) {
                out.add(v);
            }
        }
        return out;
    }

    /** Random arguments, biased towards the values the filters name so both verdicts occur. */
    private static OpArguments randomArgs(Random rnd, Opcode op, List<ArgumentFilter> filters) {
        return switch (op) {
            case SOCKET -> new OpArguments(op, rnd.nextInt(128), FAMILIES[rnd.nextInt(FAMILIES.length)],
                    new int[] {1, 2, 3, 5}[rnd.nextInt(4)] | (rnd.nextBoolean() ? 04000 : 0) | (rnd.nextBoolean() ? 02000000 : 0),
                    new int[] {0, 6, 17, 255}[rnd.nextInt(4)], 0, 0, 0, new byte[0]);
            case OPENAT, OPENAT2 -> {
                long flags = 0;
                int[] bits = {OpenFlags.O_WRONLY, OpenFlags.O_RDWR, OpenFlags.O_CREAT, OpenFlags.O_TRUNC,
                        OpenFlags.O_APPEND, OpenFlags.O_CLOEXEC, OpenFlags.O_TMPFILE, OpenFlags.O_DIRECTORY, OpenFlags.O_EXCL};
                for (int b : bits) {
                    if (rnd.nextInt(4) == 0) {
                        flags |= b;
                    }
                }
                long resolve = op == Opcode.OPENAT2 ? rnd.nextInt(64) : 0;
                yield new OpArguments(op, 0, 0, 0, 0, flags, resolve, 0, new byte[0]);
            }
            default -> {
                List<ArgumentFilter.Destination> ds = new ArrayList<>();
                filters.forEach(f -> {
                    if (f instanceof ArgumentFilter.Connect c) {
                        ds.addAll(c.destinations());
                    }
                });
                int family = new int[] {1, 2, 10}[rnd.nextInt(3)];
                byte[] addr = new byte[family == 2 ? 4 : family == 10 ? 16 : 0];
                rnd.nextBytes(addr);
                int port = rnd.nextInt(65536);
                if (!ds.isEmpty() && rnd.nextBoolean()) {
                    // near a listed destination: same network with some bits flipped past the prefix
                    ArgumentFilter.Destination d = ds.get(rnd.nextInt(ds.size()));
                    family = d.family();
                    addr = d.network().clone();
                    if (addr.length > 0) {
                        int bit = rnd.nextInt(addr.length * 8);
                        if (rnd.nextBoolean()) {
                            addr[bit / 8] ^= (byte) (0x80 >>> (bit % 8));
                        }
                        port = rnd.nextBoolean() ? d.portLow() + rnd.nextInt(2) - 1 : d.portHigh() + rnd.nextInt(2);
                        port = Math.clamp(port, 0, 65535);
                    }
                }
                yield new OpArguments(Opcode.CONNECT, 0, family, 0, 0, 0, 0, family == 1 ? 0 : port, addr);
            }
        };
    }

    @Test
    void compiledProgramsGiveTheJavaVerdictForRandomContexts() throws Exception {
        Random rnd = new Random(0xb9f);
        int allowed = 0;
        int denied = 0;
        for (int round = 0; round < 400; round++) {
            RingPolicy.Builder b = RingPolicy.builder("random").allow(Opcode.values());
            List<ArgumentFilter> filters = new ArrayList<>();
            for (int i = 1 + rnd.nextInt(3); i > 0; i--) {
                ArgumentFilter f = randomFilter(rnd);
                filters.add(f);
                b.filter(f);
            }
            RingPolicy policy = b.build();
            Map<Opcode, List<CbpfInstruction>> programs = CbpfCompiler.compile(policy, CbpfCompiler.CONTEXT_OPS_7_2);
            for (Opcode op : CbpfCompiler.CONTEXT_OPS_7_2) {
                for (int n = 0; n < 50; n++) {
                    OpArguments args = randomArgs(rnd, op, filters);
                    boolean java = policy.filters().stream().allMatch(f -> FilterCheck.expressible(f, args) == null);
                    List<CbpfInstruction> prog = programs.get(op);
                    boolean bpf = prog == null || CbpfInterpreter.run(prog, CbpfInterpreter.context(args, n)) != 0;
                    assertThat(bpf).as("%s %s under %s", op, args, policy.filters()).isEqualTo(java);
                    if (java) {
                        allowed++;
                    } else {
                        denied++;
                    }
                }
            }
        }
        assertThat(allowed).isGreaterThan(1000);
        assertThat(denied).isGreaterThan(1000);
    }

    @Test
    void programsUseOnlyAlignedContextLoadsAndEndInReturns() throws Exception {
        RingPolicy p = PolicyProfiles.builtIn("network-client").narrow(PolicyProfiles.builtIn("read-only-files"));
        Map<Opcode, List<CbpfInstruction>> programs = CbpfCompiler.compile(p, CbpfCompiler.CONTEXT_OPS_7_2);
        assertThat(programs).containsKeys(Opcode.SOCKET, Opcode.CONNECT, Opcode.OPENAT, Opcode.OPENAT2);
        for (List<CbpfInstruction> prog : programs.values()) {
            assertThat(prog.size()).isBetween(2, 4096);
            assertThat(prog.get(prog.size() - 1).code()).isEqualTo(CbpfInstruction.RET_K);
            for (CbpfInstruction in : prog) {
                if (in.code() == CbpfInstruction.LD_W_ABS) {
                    assertThat(in.k() % 4).isZero();
                    assertThat(in.k()).isBetween(0, 36);
                }
            }
        }
        assertThat(CbpfCompiler.compile(p)).doesNotContainKey(Opcode.CONNECT);
    }

    @Test
    void socketProgramMasksNonblockAndCloexecFromTheType() {
        RingPolicy p = RingPolicy.builder("tcp").allow(Opcode.SOCKET)
                .filter(new ArgumentFilter.Socket(Set.of(2), Set.of(1), Set.of())).build();
        List<CbpfInstruction> prog = CbpfCompiler.compile(p).get(Opcode.SOCKET);
        OpArguments streamNonblock = new OpArguments(Opcode.SOCKET, 0, 2, 1 | 04000 | 02000000, 0, 0, 0, 0, new byte[0]);
        OpArguments dgram = new OpArguments(Opcode.SOCKET, 0, 2, 2, 0, 0, 0, 0, new byte[0]);
        assertThat(CbpfInterpreter.run(prog, CbpfInterpreter.context(streamNonblock, 1))).isEqualTo(1);
        assertThat(CbpfInterpreter.run(prog, CbpfInterpreter.context(dgram, 2))).isZero();
        OpArguments beneath = new OpArguments(Opcode.OPENAT2, 0, 0, 0, 0, 0, OpenHow.RESOLVE_BENEATH, 0, new byte[0]);
        assertThat(beneath.resolvesBeneath()).isTrue();
    }
}
