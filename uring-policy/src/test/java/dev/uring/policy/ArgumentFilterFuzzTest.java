package dev.uring.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uring.core.AtFlags;
import dev.uring.policy.ArgumentFilter.Destination;
import dev.uring.policy.ArgumentFilter.Socket;
import dev.uring.core.CbpfInstruction;
import dev.uring.core.Opcode;
import dev.uring.core.OpenHow;
import dev.uring.core.Ring;
import dev.uring.core.RingOptions;
import dev.uring.core.Sqe;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetAddress;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.AfterProperty;
import net.jqwik.api.lifecycle.BeforeProperty;
import org.junit.jupiter.api.Test;

/**
 * Argument filters fuzzed: random op arguments, prepared in real SQEs (on a scratch ring that
 * never submits), are judged by the policy's Java check and by its compiled cBPF program (run in
 * the test interpreter), and both verdicts are compared with an oracle written here from the
 * rules' definitions. An argument the oracle denies must never pass either layer.
 */
class ArgumentFilterFuzzTest {
    private static final int O_ACCMODE = 03;
    private static final int O_CREAT = 0100;
    private static final int O_TRUNC = 01000;
    private static final int O_TMPFILE_ONLY = 020000000; // O_TMPFILE without its O_DIRECTORY bit
    private static final long RESOLVE_BENEATH = 0x08;
    private static final long RESOLVE_IN_ROOT = 0x10;

    private static final AtomicLong TRIED = new AtomicLong();
    private static final AtomicLong DENIED = new AtomicLong();
    private static final AtomicLong ESCAPED = new AtomicLong();
    private static final AtomicLong OVER_DENIED = new AtomicLong();
    private static final AtomicLong TRUNCATED = new AtomicLong();

    private PolicyInvariants.Pad pad;
    private Arena arena;

    @BeforeProperty
    void open() throws Exception {
        pad = new PolicyInvariants.Pad();
        arena = Arena.ofShared();
    }

    @AfterProperty
    void close() {
        pad.close();
        arena.close();
    }

    @AfterContainer
    static void figures() {
        PolicyInvariants.report("argument-filter-fuzz", "inputs_tried", TRIED.get(), "denied", DENIED.get(),
                "allowed", TRIED.get() - DENIED.get(), "escaped", ESCAPED.get(), "wrongly_denied", OVER_DENIED.get(),
                "truncated_sockaddrs_java_only", TRUNCATED.get());
    }

    /** Compares the policy's two layers with the oracle's verdict on one prepared SQE. */
    private static void judge(RingPolicy policy, Sqe sqe, boolean oracleAllows) {
        judge(policy, sqe, oracleAllows, true);
    }

    private static void judge(RingPolicy policy, Sqe sqe, boolean oracleAllows, boolean compareBpf) {
        TRIED.incrementAndGet();
        String java = policy.check(sqe);
        OpArguments args = OpArguments.from(sqe);
        Map<Opcode, List<CbpfInstruction>> programs = CbpfCompiler.compile(policy, CbpfCompiler.CONTEXT_OPS_7_2);
        List<CbpfInstruction> prog = programs.get(sqe.opcode());
        boolean bpfAllows = prog == null || CbpfInterpreter.run(prog, CbpfInterpreter.context(args, 1)) != 0;
        // the root and length rules are Java-only: no cBPF verdict to compare for them
        boolean bpfJudges = compareBpf && prog != null && !hasJavaOnlyRule(policy, sqe.opcode());
        if (!oracleAllows) {
            DENIED.incrementAndGet();
            if (java == null || (bpfJudges && bpfAllows)) {
                ESCAPED.incrementAndGet();
            }
        } else if (java != null) {
            OVER_DENIED.incrementAndGet();
        }
        assertThat(java == null).as("Java verdict on %s under %s (reason %s)", args, policy.filters(), java)
                .isEqualTo(oracleAllows);
        if (bpfJudges) {
            assertThat(bpfAllows).as("cBPF verdict on %s under %s", args, policy.filters()).isEqualTo(oracleAllows);
        }
    }

    private static boolean hasJavaOnlyRule(RingPolicy p, Opcode op) {
        return p.filters().stream().anyMatch(f -> f.ops().contains(op)
                && (f instanceof ArgumentFilter.MaxLength || f instanceof ArgumentFilter.Open o && o.root() != null));
    }

    private static RingPolicy allowing(Opcode op, List<? extends ArgumentFilter> filters) {
        RingPolicy.Builder b = RingPolicy.builder("fuzz").allow(op);
        filters.forEach(b::filter);
        return b.build();
    }

    // ------------------------------------------------------------------ SOCKET

    @Provide
    Arbitrary<ArgumentFilter.Socket> socketRules() {
        return Combinators.combine(Arbitraries.of(1, 2, 10, 16, 17, 40).set().ofMaxSize(3),
                Arbitraries.integers().between(0, 15).set().ofMaxSize(3),
                Arbitraries.of(0, 6, 17, 132, 255).set().ofMaxSize(3)).as(ArgumentFilter.Socket::new);
    }

    @Property
    void socketArguments(@ForAll @Size(min = 1, max = 3) List<@From("socketRules") Socket> rules,
            @ForAll("families") int family, @ForAll int type, @ForAll("protocols") int protocol) throws Exception {
        Sqe sqe = pad.next().prepSocket(family, type, protocol, 0);
        boolean allows = true;
        for (ArgumentFilter.Socket r : rules) {
            allows &= (r.families().isEmpty() || r.families().contains(family))
                    && (r.types().isEmpty() || r.types().contains(type & 0xf))
                    && (r.protocols().isEmpty() || r.protocols().contains(protocol));
        }
        judge(allowing(Opcode.SOCKET, rules), sqe, allows);
    }

    @Provide
    Arbitrary<Integer> families() {
        return Arbitraries.oneOf(Arbitraries.of(1, 2, 10, 16, 17, 40), Arbitraries.integers());
    }

    @Provide
    Arbitrary<Integer> protocols() {
        return Arbitraries.oneOf(Arbitraries.of(0, 6, 17, 132, 255), Arbitraries.integers());
    }

    // ------------------------------------------------------------------ CONNECT

    @Provide
    Arbitrary<ArgumentFilter.Destination> destinations() {
        Arbitrary<ArgumentFilter.Destination> v4 = Combinators.combine(Arbitraries.bytes().array(byte[].class).ofSize(4),
                Arbitraries.integers().between(0, 32), Arbitraries.integers().between(0, 65535),
                Arbitraries.integers().between(0, 2000))
                .as((net, prefix, low, span) -> new ArgumentFilter.Destination(2, net, prefix, low, Math.min(65535, low + span)));
        Arbitrary<ArgumentFilter.Destination> v6 = Combinators.combine(Arbitraries.bytes().array(byte[].class).ofSize(16),
                Arbitraries.integers().between(0, 128), Arbitraries.integers().between(0, 65535),
                Arbitraries.integers().between(0, 2000))
                .as((net, prefix, low, span) -> new ArgumentFilter.Destination(10, net, prefix, low, Math.min(65535, low + span)));
        return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(5, v4), net.jqwik.api.Tuple.of(4, v6),
                net.jqwik.api.Tuple.of(1, Arbitraries.just(ArgumentFilter.Destination.unix())));
    }

    /**
     * A random sockaddr of a random length (what the SQE's addrlen says), its address often taken
     * from a destination with a few bits flipped, its port near a range's bounds.
     */
    @Property
    void connectArguments(@ForAll @Size(min = 0, max = 4) List<@From("destinations") Destination> allowed,
            @ForAll @IntRange(min = 0, max = 4) int familyPick, @ForAll @IntRange(min = 2, max = 128) int addrLen,
            @ForAll @IntRange(min = 0, max = 3) int pick, @ForAll @IntRange(min = 0, max = 127) int flipBit,
            @ForAll boolean flip, @ForAll @IntRange(min = -2, max = 2) int portNudge, @ForAll long seed) throws Exception {
        byte[] noise = new byte[16];
        new java.util.SplittableRandom(seed).nextBytes(noise);
        int family = new int[] {2, 10, 1, 0, 44}[familyPick];
        ArgumentFilter.Destination near = allowed.isEmpty() ? null : allowed.get(pick % allowed.size());
        byte[] addr = new byte[family == 10 ? 16 : 4];
        for (int i = 0; i < addr.length; i++) {
            addr[i] = noise.length == 0 ? 0 : noise[i % noise.length];
        }
        int port = (noise.length == 0 ? 0 : noise[0] & 0xff) * 257;
        if (near != null && near.network().length == addr.length) {
            addr = near.network();
            port = Math.clamp((long) (portNudge < 0 ? near.portLow() : near.portHigh()) + portNudge, 0, 65535);
        }
        if (flip) {
            addr[(flipBit / 8) % addr.length] ^= (byte) (0x80 >>> (flipBit % 8));
        }
        MemorySegment sa = arena.allocate(addrLen, 8);
        sa.set(ValueLayout.JAVA_SHORT, 0, (short) family);
        if (addrLen >= 4) {
            sa.set(ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN), 2, (short) port);
        }
        int addrOffset = family == 10 ? 8 : 4;
        for (int i = 0; i < addr.length && addrOffset + i < addrLen; i++) {
            sa.set(ValueLayout.JAVA_BYTE, addrOffset + i, addr[i]);
        }
        Sqe sqe = pad.next().prepConnect(3, sa);
        boolean allows = false;
        for (ArgumentFilter.Destination d : allowed) {
            allows |= oracleMatches(d, family, addrLen, port, addr);
        }
        // a sockaddr shorter than sockaddr_in(6): the Java rule denies it; a cBPF program sees zeros for
        // the missing port and address, and the kernel's connect refuses it (EINVAL) anyway
        boolean truncated = (family == 2 && addrLen < 8) || (family == 10 && addrLen < 24);
        if (truncated) {
            TRUNCATED.incrementAndGet();
        }
        judge(allowing(Opcode.CONNECT, List.of(new ArgumentFilter.Connect(allowed))), sqe, allows, !truncated);
    }

    /** The destination rule from its definition: same family; for IP, a whole address in the prefix and the port in range. */
    private static boolean oracleMatches(ArgumentFilter.Destination d, int family, int addrLen, int port, byte[] addr) {
        if (d.family() != family) {
            return false;
        }
        if (family == 1) {
            return true;
        }
        int needed = family == 2 ? 8 : 24; // sockaddr_in / sockaddr_in6 up to the end of the address
        if (addrLen < needed || port < d.portLow() || port > d.portHigh()) {
            return false;
        }
        java.math.BigInteger a = new java.math.BigInteger(1, addr);
        java.math.BigInteger n = new java.math.BigInteger(1, d.network());
        int bits = addr.length * 8;
        return a.shiftRight(bits - d.prefixLength()).equals(n.shiftRight(bits - d.prefixLength()));
    }

    // ------------------------------------------------------------------ OPENAT / OPENAT2

    @Property
    void openArguments(@ForAll boolean write, @ForAll boolean create, @ForAll boolean beneath, @ForAll boolean openat2,
            @ForAll("openFlags") int flags, @ForAll @LongRange(min = 0, max = 0x3f) long resolve) throws Exception {
        MemorySegment path = arena.allocateFrom("/nonexistent/fuzz");
        Sqe sqe = openat2
                ? pad.next().prepOpenat2(AtFlags.FDCWD, path, OpenHow.allocate(arena, flags, 0, resolve))
                : pad.next().prepOpenat(AtFlags.FDCWD, path, flags, 0);
        boolean allows = (write || ((flags & O_ACCMODE) == 0 && (flags & O_TRUNC) == 0))
                && (create || (flags & (O_CREAT | O_TMPFILE_ONLY)) == 0)
                && (!beneath || (openat2 && (resolve & (RESOLVE_BENEATH | RESOLVE_IN_ROOT)) != 0));
        judge(allowing(openat2 ? Opcode.OPENAT2 : Opcode.OPENAT, List.of(new ArgumentFilter.Open(write, create, null, beneath))),
                sqe, allows);
    }

    @Provide
    Arbitrary<Integer> openFlags() {
        return Arbitraries.oneOf(Arbitraries.integers(), Arbitraries.of(0, 1, 2, 3, O_CREAT, O_TRUNC, O_TMPFILE_ONLY | 0200000,
                0200000, 02000000, O_CREAT | 2, 01000 | 1));
    }

    /**
     * Paths built from names, {@code ..}, {@code .}, a symlink leading out of the root and one
     * staying in, relative to the root or absolute: allowed exactly when no {@code ..} appears and
     * the path, symlinks followed, stays beneath the root.
     */
    @Property
    void pathsUnderARoot(@ForAll @Size(max = 5) List<@IntRange(min = 0, max = 5) Integer> names, @ForAll boolean absolute)
            throws Exception {
        Path root = rootTree();
        String[] tokens = {"in", "..", ".", "out", "inlink", "new"};
        // where each name leads: the root, root/in, outside (through the "out" symlink), or a name
        // that does not exist (beneath the root, or outside)
        StringBuilder rel = new StringBuilder();
        boolean dotdot = false;
        String at = "root";
        for (int n : names) {
            rel.append(rel.isEmpty() ? "" : "/").append(tokens[n]);
            dotdot |= n == 1;
            at = switch (tokens[n]) {
                case "." -> at;
                case "in", "inlink" -> at.equals("root") ? "in" : at.startsWith("outside") ? "outside-new" : "new";
                case "out" -> at.equals("root") ? "outside" : at.startsWith("outside") ? "outside-new" : "new";
                default -> at.startsWith("outside") ? "outside-new" : "new"; // "..": refused anyway; "new"
            };
        }
        boolean escapes = at.startsWith("outside");
        String p = absolute ? root + "/" + rel : rel.toString();
        MemorySegment path = arena.allocateFrom(p.isEmpty() ? "." : p);
        RingPolicy policy = allowing(Opcode.OPENAT, List.of(new ArgumentFilter.Open(true, true, root, false)));
        // relative paths resolve against the dirfd, here an fd of the root itself
        Sqe sqe = pad.next().prepOpenat(absolute ? AtFlags.FDCWD : rootFd, path, 0, 0);
        judge(policy, sqe, !dotdot && !escapes);
    }

    private Path treeBase;
    private int rootFd = -1;

    /** root/{in, out -> ../outside, inlink -> root/in} beside outside/, and an fd of root; made once per property. */
    private Path rootTree() throws Exception {
        if (treeBase == null) {
            treeBase = Files.createTempDirectory("uring-fuzz");
            Path root = Files.createDirectory(treeBase.resolve("root"));
            Path outside = Files.createDirectory(treeBase.resolve("outside"));
            Files.createDirectory(root.resolve("in"));
            Files.createSymbolicLink(root.resolve("out"), outside);
            Files.createSymbolicLink(root.resolve("inlink"), root.resolve("in"));
            try (Ring r = Ring.open(RingOptions.defaults().entries(2).setupHooks(false))) {
                rootFd = OneShot.run(r, 1, s -> s.prepOpenat(AtFlags.FDCWD, arena.allocateFrom(root.toString()),
                        dev.uring.core.OpenFlags.O_RDONLY | dev.uring.core.OpenFlags.O_DIRECTORY
                                | dev.uring.core.OpenFlags.O_CLOEXEC, 0));
            }
            assertThat(rootFd).isNotNegative();
        }
        return treeBase.resolve("root");
    }

    @AfterProperty
    void removeTree() throws Exception {
        if (treeBase == null) {
            return;
        }
        try (Ring r = Ring.open(RingOptions.defaults().entries(2).setupHooks(false))) {
            int fd = rootFd;
            OneShot.run(r, 2, s -> s.prepClose(fd));
        }
        try (var w = Files.walk(treeBase)) {
            w.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
        treeBase = null;
    }

    // ------------------------------------------------------------------ lengths, and several rules at once

    @Property
    void lengthsAndCombinedRules(@ForAll @LongRange(min = 0, max = 0xffff_ffffL) long max, @ForAll("sizes") int size,
            @ForAll boolean write, @ForAll @Size(max = 2) List<@From("socketRules") Socket> noise)
            throws Exception {
        MemorySegment buf = arena.allocate(Math.max(1, size)).asSlice(0, size);
        Opcode op = write ? Opcode.WRITE : Opcode.READ;
        Sqe sqe = write ? pad.next().prepWrite(3, buf, 0) : pad.next().prepRead(3, buf, 0);
        List<ArgumentFilter> rules = new ArrayList<>(noise); // rules for other ops must not change the verdict
        rules.add(new ArgumentFilter.MaxLength(Set.of(op), max));
        judge(allowing(op, rules), sqe, size <= max);
    }

    @Provide
    Arbitrary<Integer> sizes() {
        return Arbitraries.oneOf(Arbitraries.integers().between(0, 1 << 16), Arbitraries.of(0, 1, 4095, 4096, 4097));
    }

    // ------------------------------------------------------------------ SQEs without the memory a filter reads

    /**
     * A bare OPENAT2 or CONNECT (null pointers where the filter reads open_how or the sockaddr), or
     * a bare OPENAT under a root rule (a null path): the filter must deny it, not throw out of
     * {@code submit()} and leave the ring unable to submit anything.
     */
    @Test
    void bareSqesUnderArgumentFiltersAreDeniedAndTheRingKeepsWorking() throws Exception {
        Path root = Files.createTempDirectory("uring-root");
        RingPolicy policy = RingPolicy.builder("bare").allow(Opcode.NOP, Opcode.OPENAT, Opcode.OPENAT2, Opcode.CONNECT)
                .filter(new ArgumentFilter.Open(false, false, root, false))
                .filter(new ArgumentFilter.Connect(List.of(ArgumentFilter.Destination.inet(InetAddress.getLoopbackAddress(), 8, 1, 65535))))
                .build();
        try (Ring ring = Ring.open(RingOptions.defaults().entries(8).setupHooks(false).customizer(PolicyCustomizer.of(policy)))) {
            List<String> problems = new ArrayList<>();
            for (Opcode op : List.of(Opcode.OPENAT2, Opcode.CONNECT, Opcode.OPENAT)) {
                try {
                    int res = OneShot.run(ring, 10 + op.code(), s -> s.prepBare(op));
                    if (res != -13) {
                        problems.add("bare " + op + " completed with " + res + ", not -EACCES");
                    }
                } catch (RuntimeException e) {
                    problems.add("bare " + op + ": submit threw " + e);
                }
                try {
                    int nop = OneShot.run(ring, 1, Sqe::prepNop);
                    if (nop != 0) {
                        problems.add("NOP after bare " + op + " completed with " + nop);
                    }
                } catch (RuntimeException e) {
                    problems.add("NOP after bare " + op + ": submit threw " + e);
                }
            }
            assertThat(problems).as("bare SQEs under argument filters").isEmpty();
        } finally {
            Files.deleteIfExists(root);
        }
    }
}
