package dev.uring.core;

import dev.uring.core.ffi.Errno;
import dev.uring.core.ffi.IoUringBpf;
import dev.uring.core.ffi.IoUringBpfCtx;
import dev.uring.core.ffi.IoUringRestriction;
import dev.uring.core.ffi.IoUringTaskRestriction;
import dev.uring.core.ffi.Native;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.AccessDeniedException;
import java.util.List;

/**
 * io_uring's task-level restrictions and classic-BPF filters (Linux 7.0): registered with ring fd -1,
 * they bind the calling thread, every ring it creates afterwards and every task it forks, and can only
 * be narrowed. The same BPF filters can also be attached to one {@code R_DISABLED} ring.
 *
 * <p>Linux 6.18 has neither: {@link #bpfFiltersSupported()} and {@link #taskRestrictionsSupported()}
 * probe by behaviour, and the register calls fail with {@link UnsupportedOperationException} there
 * rather than an opaque EINVAL.
 */
public final class TaskRestrictions {
    private static volatile Boolean bpfSupported;

    private TaskRestrictions() {
    }

    /**
     * Whether IORING_REGISTER_BPF_FILTER works here: QUERY must report at least 38 register opcodes
     * and an allow-all NOP filter must register on a scratch disabled ring. Probed once.
     */
    public static boolean bpfFiltersSupported() {
        Boolean b = bpfSupported;
        if (b == null) {
            b = probeBpf();
            bpfSupported = b;
        }
        return b;
    }

    /**
     * Whether task-level restrictions (fd -1) exist here; they arrived with BPF filters in 7.0, and
     * probing them directly would bind the calling thread for good, so this is the BPF probe.
     */
    public static boolean taskRestrictionsSupported() {
        return bpfFiltersSupported();
    }

    private static boolean probeBpf() {
        boolean known = IoUring.query().map(q -> q.registerOpcodes() > RegisterOp.BPF_FILTER.code()).orElse(false);
        if (!known) {
            return false;
        }
        try (Ring ring = Ring.open(RingOptions.defaults().entries(2).flags(SetupFlags.R_DISABLED).setupHooks(false))) {
            List<CbpfInstruction> allow = List.of(CbpfInstruction.stmt(CbpfInstruction.RET_K, 1));
            return register(ring.fd(), Opcode.NOP, 0, allow) >= 0;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Registers {@code restrictions} on the calling thread (IORING_REGISTER_RESTRICTIONS with fd -1).
     *
     * @throws UnsupportedOperationException on kernels without task-level restrictions (before 7.0)
     * @throws AccessDeniedException without no_new_privs ({@link NoNewPrivileges#set()}) or CAP_SYS_ADMIN
     * @throws IOException EPERM when the thread already carries io_uring restrictions (they do not stack)
     */
    public static void restrictTask(List<Restriction> restrictions) throws IOException {
        if (!taskRestrictionsSupported()) {
            throw new UnsupportedOperationException(
                    "task-level io_uring restrictions need Linux 7.0 (IORING_REGISTER_RESTRICTIONS with fd -1)");
        }
        try (Arena a = Arena.ofConfined()) {
            MemorySegment seg = a.allocate(IoUringTaskRestriction.size(restrictions.size()), 8);
            IoUringTaskRestriction.setHeader(seg, restrictions.size());
            MemorySegment entries = IoUringTaskRestriction.entries(seg);
            for (int i = 0; i < restrictions.size(); i++) {
                Restriction r = restrictions.get(i);
                IoUringRestriction.set(entries, i, r.kind().code(), r.value());
            }
            int res = Native.ioUringRegister(-1, RegisterOp.RESTRICTIONS.code(), seg.address(), 1);
            if (res < 0) {
                throw failure(-res, "io_uring_register(-1, RESTRICTIONS)");
            }
        }
    }

    /**
     * Prepends a cBPF filter for {@code op} to the calling thread's filters (fd -1): rings it creates
     * afterwards run it on every {@code op} SQE, and a 0 result fails the SQE with -EACCES.
     *
     * @param flags {@code IO_URING_BPF_FILTER_*}: 1 DENY_REST (deny every op without a filter), 2 SZ_STRICT
     * @throws UnsupportedOperationException on kernels without BPF filters (before 7.0)
     */
    public static void filterTask(Opcode op, int flags, List<CbpfInstruction> program) throws IOException {
        requireBpf();
        int r = register(-1, op, flags, program);
        if (r < 0) {
            throw failure(-r, "io_uring_register(-1, BPF_FILTER " + op + ")");
        }
    }

    /**
     * Attaches a cBPF filter for {@code op} to one ring, which must still be {@code R_DISABLED}.
     *
     * @throws UnsupportedOperationException on kernels without BPF filters (before 7.0)
     */
    public static void filterRing(Ring ring, Opcode op, int flags, List<CbpfInstruction> program) throws IOException {
        requireBpf();
        int r = register(ring.fd(), op, flags, program);
        if (r < 0) {
            throw failure(-r, "io_uring_register(" + ring.fd() + ", BPF_FILTER " + op + ")");
        }
    }

    private static void requireBpf() {
        if (!bpfFiltersSupported()) {
            throw new UnsupportedOperationException(
                    "io_uring BPF filters need Linux 7.0 (IORING_REGISTER_BPF_FILTER)");
        }
    }

    private static int register(int fd, Opcode op, int flags, List<CbpfInstruction> program) {
        if (program.isEmpty() || program.size() > IoUringBpf.MAX_FILTER_LEN) {
            throw new IllegalArgumentException("cBPF program must hold 1.." + IoUringBpf.MAX_FILTER_LEN
                    + " instructions, got " + program.size());
        }
        if ((flags & ~(IoUringBpf.IO_URING_BPF_FILTER_DENY_REST | IoUringBpf.IO_URING_BPF_FILTER_SZ_STRICT)) != 0) {
            throw new IllegalArgumentException("unknown BPF filter flags 0x" + Integer.toHexString(flags));
        }
        try (Arena a = Arena.ofConfined()) {
            MemorySegment arg = encode(a, op, flags, program);
            return Native.ioUringRegister(fd, RegisterOp.BPF_FILTER.code(), arg.address(), 1);
        }
    }

    /**
     * The {@code struct io_uring_bpf} registering {@code program} for {@code op}, the program itself
     * allocated in {@code arena} too. Its pdu_size is the size of the op's part of the context that the
     * compiled programs read (SOCKET 12, OPENAT and OPENAT2 24, others 0): the kernel refuses a larger
     * one (EMSGSIZE), accepts a smaller one, and writes its own back.
     */
    static MemorySegment encode(Arena arena, Opcode op, int flags, List<CbpfInstruction> program) {
        MemorySegment prog = arena.allocate(program.size() * IoUringBpf.SOCK_FILTER_SIZE, 8);
        for (int i = 0; i < program.size(); i++) {
            CbpfInstruction in = program.get(i);
            IoUringBpf.setInstruction(prog, i, in.code(), in.jt(), in.jf(), in.k());
        }
        MemorySegment arg = arena.allocate(IoUringBpf.SIZE, 8);
        IoUringBpf.setFilter(arg, op.code(), flags, program.size(), pduSize(op), prog.address());
        return arg;
    }

    /** The size of {@code op}'s part of {@code struct io_uring_bpf_ctx} (after the common 16 bytes). */
    static int pduSize(Opcode op) {
        return switch (op) {
            case SOCKET -> IoUringBpfCtx.SOCKET_PDU_SIZE;
            case OPENAT, OPENAT2 -> IoUringBpfCtx.OPEN_PDU_SIZE;
            default -> 0;
        };
    }

    private static IOException failure(int errno, String operation) {
        if (errno == Errno.EACCES) {
            return new AccessDeniedException("current task", null, operation
                    + ": EACCES (needs no_new_privs, see NoNewPrivileges.set(), or CAP_SYS_ADMIN)");
        }
        if (errno == Errno.EPERM) {
            return new UringException(errno, operation, "current task", operation
                    + ": EPERM (the task already carries io_uring restrictions; register restrictions before filters)");
        }
        return Errors.toException(errno, operation, "current task");
    }
}
