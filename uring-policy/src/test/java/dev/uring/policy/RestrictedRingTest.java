package dev.uring.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.uring.core.AtFlags;
import dev.uring.core.IoVecs;
import dev.uring.core.Opcode;
import dev.uring.core.OpenFlags;
import dev.uring.core.OpenHow;
import dev.uring.core.RegisterOp;
import dev.uring.core.Ring;
import dev.uring.core.RingOptions;
import dev.uring.core.SetupFlags;
import dev.uring.core.Sqe;
import dev.uring.core.SqeFlags;
import dev.uring.core.SubmissionFilter;
import dev.uring.core.RingCustomizer;
import dev.uring.core.Timespec;
import dev.uring.core.buffers.ProvidedBufferRing;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Layers 1 and 2 on real restricted rings of the running kernel. */
@Timeout(60)
class RestrictedRingTest {
    private static final int EACCES = -13;
    private static final int EINVAL = -22;

    @TempDir
    Path dir;

    /** A ring restricted by the kernel alone (layer 1): the policy's compiled allow-list, no Java filter. */
    private static Ring kernelOnly(RingPolicy policy) throws IOException {
        Ring ring = Ring.open(RingOptions.defaults().entries(8).flags(SetupFlags.R_DISABLED).setupHooks(false));
        try {
            ring.registerRestrictions(PolicyCustomizer.of(policy).kernelRestrictions());
            ring.enable();
            return ring;
        } catch (IOException | RuntimeException e) {
            ring.close();
            throw e;
        }
    }

    private static Ring withPolicy(RingPolicy policy) throws IOException {
        return Ring.open(RingOptions.defaults().entries(8).setupHooks(false).customizer(PolicyCustomizer.of(policy)));
    }

    @Test
    void nopInjectResultDenialCompletesWithEaccesOnThisKernel() throws Exception {
        RingCustomizer denyNop = new RingCustomizer() {
            @Override
            public void beforeEnable(Ring ring) {
            }

            @Override
            public SubmissionFilter submissionFilter() {
                return sqe -> sqe.opcode() == Opcode.NOP ? "NOP denied by test" : null;
            }
        };
        try (Ring ring = Ring.open(RingOptions.defaults().entries(4).setupHooks(false).customizer(denyNop))) {
            assertThat(OneShot.run(ring, 42, Sqe::prepNop)).isEqualTo(EACCES);
            assertThat(ring.denialReason(42)).isEqualTo("NOP denied by test");
        }
    }

    @Test
    void kernelDeniesAnOpThePolicyLacksAndTheExceptionNamesIt() throws Exception {
        Path file = Files.writeString(dir.resolve("f"), "data");
        RingPolicy nopOnly = RingPolicy.builder("nop-only").allow(Opcode.NOP).build();
        try (Ring ring = kernelOnly(nopOnly); Arena arena = Arena.ofConfined()) {
            assertThat(OneShot.run(ring, 1, Sqe::prepNop)).isZero();
            MemorySegment buf = arena.allocateFrom("x");
            int fd = fdOf(file, arena, ring);
            int res = OneShot.run(ring, 2, s -> s.prepWrite(fd, buf, 0));
            assertThat(res).isEqualTo(EACCES);
            AccessDeniedException e = AccessDenials.forCompletion(ring, Opcode.WRITE, 2);
            assertThat(e.getMessage()).contains("WRITE").contains("kernel");
        }
        assertThat(Files.readString(file)).isEqualTo("data");
    }

    /** An fd for {@code file} opened by a throwaway unrestricted ring (keeps the test free of JDK internals). */
    private static int fdOf(Path file, Arena arena, Ring unused) throws IOException {
        try (Ring plain = Ring.open(RingOptions.defaults().entries(2).setupHooks(false))) {
            MemorySegment path = arena.allocateFrom(file.toString());
            int fd = OneShot.run(plain, 9, s -> s.prepOpenat(AtFlags.FDCWD, path, OpenFlags.O_RDWR | OpenFlags.O_CLOEXEC, 0));
            assertThat(fd).isGreaterThanOrEqualTo(0);
            return fd;
        }
    }

    /** Every op with a prep method, prepared with harmless arguments (the kernel refuses before looking at them). */
    private static Map<Opcode, Consumer<Sqe>> preparedOps(Arena arena) {
        MemorySegment buf = arena.allocate(256);
        MemorySegment path = arena.allocateFrom("/nonexistent-uring-policy-test");
        MemorySegment sa = arena.allocate(16);
        MemorySegment ts = Timespec.allocate(arena, Duration.ofMillis(1));
        MemorySegment how = OpenHow.allocate(arena, OpenFlags.O_RDONLY, 0, 0);
        MemorySegment fds = arena.allocate(4);
        IoVecs vecs = IoVecs.of(arena, List.of(buf));
        Map<Opcode, Consumer<Sqe>> m = new EnumMap<>(Opcode.class);
        m.put(Opcode.NOP, Sqe::prepNop);
        m.put(Opcode.READV, s -> s.prepReadv(0, vecs, 0));
        m.put(Opcode.WRITEV, s -> s.prepWritev(1, vecs, 0));
        m.put(Opcode.FSYNC, s -> s.prepFsync(1, false));
        m.put(Opcode.POLL_ADD, s -> s.prepPollAdd(0, 1));
        m.put(Opcode.TIMEOUT, s -> s.prepTimeout(ts, 0, 0));
        m.put(Opcode.TIMEOUT_REMOVE, s -> s.prepTimeoutRemove(1234, 0));
        m.put(Opcode.ACCEPT, s -> s.prepMultishotAccept(0, 0));
        m.put(Opcode.LINK_TIMEOUT, s -> s.prepLinkTimeout(ts, 0));
        m.put(Opcode.CONNECT, s -> s.prepConnect(0, sa));
        m.put(Opcode.FALLOCATE, s -> s.prepFallocate(1, 0, 0, 1));
        m.put(Opcode.OPENAT, s -> s.prepOpenat(AtFlags.FDCWD, path, 0, 0));
        m.put(Opcode.CLOSE, s -> s.prepClose(1000));
        m.put(Opcode.FILES_UPDATE, s -> s.prepFilesUpdate(fds, 1, 0));
        m.put(Opcode.STATX, s -> s.prepStatx(AtFlags.FDCWD, path, 0, 0, buf));
        m.put(Opcode.WRITE, s -> s.prepWrite(1, buf, 0));
        m.put(Opcode.SEND, s -> s.prepSend(1, buf, 0));
        m.put(Opcode.RECV, s -> s.prepRecv(0, buf, 0));
        m.put(Opcode.OPENAT2, s -> s.prepOpenat2(AtFlags.FDCWD, path, how));
        m.put(Opcode.SPLICE, s -> s.prepSplice(0, -1, 1, -1, 1, 0));
        m.put(Opcode.SHUTDOWN, s -> s.prepShutdown(0, 0));
        m.put(Opcode.RENAMEAT, s -> s.prepRenameat(AtFlags.FDCWD, path, AtFlags.FDCWD, path, 0));
        m.put(Opcode.UNLINKAT, s -> s.prepUnlinkat(AtFlags.FDCWD, path, 0));
        m.put(Opcode.MKDIRAT, s -> s.prepMkdirat(AtFlags.FDCWD, path, 0700));
        m.put(Opcode.MSG_RING, s -> s.prepMsgRing(0, 0, 0, 0));
        m.put(Opcode.SOCKET, s -> s.prepSocket(2, 1, 0, 0));
        m.put(Opcode.SEND_ZC, s -> s.prepSendZc(1, buf, 0, 0));
        m.put(Opcode.FIXED_FD_INSTALL, s -> s.prepFixedFdInstall(0, true));
        m.put(Opcode.FTRUNCATE, s -> s.prepFtruncate(1, 0));
        m.put(Opcode.BIND, s -> s.prepBind(0, sa));
        m.put(Opcode.LISTEN, s -> s.prepListen(0, 1));
        return m;
    }

    @Test
    void everyPreparableOpIsRefusedByTheKernelWhenThePolicyDeniesIt() throws Exception {
        try (Arena arena = Arena.ofConfined()) {
            Map<Opcode, Consumer<Sqe>> ops = preparedOps(arena);
            java.util.Set<Opcode> known = dev.uring.core.IoUring.probe().supportedOps();
            for (Map.Entry<Opcode, Consumer<Sqe>> e : ops.entrySet()) {
                EnumSet<Opcode> all = EnumSet.allOf(Opcode.class);
                all.remove(e.getKey());
                RingPolicy allBut = RingPolicy.builder("all-but-" + e.getKey()).allowOps(all).allowFlags(SqeFlags.ALL).build();
                try (Ring ring = kernelOnly(allBut)) {
                    // an op this kernel does not know (BIND before 6.11...) is refused as unknown, EINVAL
                    assertThat(OneShot.run(ring, 7, e.getValue())).as("%s", e.getKey())
                            .isEqualTo(known.contains(e.getKey()) ? EACCES : EINVAL);
                }
            }
            assertThat(ops).hasSizeGreaterThan(28);
        }
    }

    @Test
    void everyOpTheKernelKnowsIsRefusedByTheKernelWhenThePolicyDeniesIt() throws Exception {
        java.util.Set<Opcode> known = dev.uring.core.IoUring.probe().supportedOps();
        assertThat(known).contains(Opcode.NOP, Opcode.READ, Opcode.SOCKET, Opcode.MSG_RING); // all in 6.1
        for (Opcode op : known) {
            if (PolicyCustomizer.FRAMEWORK_SQE_OPS.contains(op)) {
                continue; // always allowed: the framework cancels with it (see frameworkOpsDenied... below)
            }
            EnumSet<Opcode> all = EnumSet.allOf(Opcode.class);
            all.remove(op);
            RingPolicy allBut = RingPolicy.builder("all-but-" + op).allowOps(all).allowFlags(SqeFlags.ALL).build();
            try (Ring ring = kernelOnly(allBut)) {
                assertThat(OneShot.run(ring, 7, s -> s.prepBare(op))).as("%s", op).isEqualTo(EACCES);
                if (op != Opcode.NOP) {
                    assertThat(OneShot.run(ring, 8, Sqe::prepNop)).as("NOP beside denied %s", op).isZero();
                }
            }
        }
    }

    @Test
    void frameworkOpsDeniedByThePolicyAreRefusedInJavaWithTheOpNamed() throws Exception {
        RingPolicy nopOnly = RingPolicy.builder("nop-only").allow(Opcode.NOP).build();
        try (Ring ring = withPolicy(nopOnly); Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(16);
            assertThat(OneShot.run(ring, 1, s -> s.prepRead(0, buf, 0))).isEqualTo(EACCES);
            assertThat(AccessDenials.forCompletion(ring, Opcode.READ, 1).getMessage())
                    .contains("READ denied").contains("nop-only");
            assertThat(OneShot.run(ring, 2, s -> s.prepCancel(999, 0))).isNotEqualTo(EACCES);
        }
    }

    /** The fds of this process that are eventfds. */
    private static java.util.Set<Integer> eventfds() throws IOException {
        java.util.Set<Integer> out = new java.util.HashSet<>();
        try (var fds = Files.list(Path.of("/proc/self/fd"))) {
            for (Path p : (Iterable<Path>) fds::iterator) {
                try {
                    if (Files.readSymbolicLink(p).toString().equals("anon_inode:[eventfd]")) {
                        out.add(Integer.parseInt(p.getFileName().toString()));
                    }
                } catch (IOException e) {
                    // the fd closed while listing
                }
            }
        }
        return out;
    }

    @Test
    void aReadDenyingPolicyRefusesEvenAnEventfdRead() throws Exception {
        RingPolicy nopOnly = RingPolicy.builder("nop-only").allow(Opcode.NOP).build();
        java.util.Set<Integer> before = eventfds();
        // the JDK's epoll selector wakes itself through an eventfd: a real one to read, without FFM in tests
        try (java.nio.channels.Selector selector = java.nio.channels.Selector.open();
             Ring ring = withPolicy(nopOnly); Arena arena = Arena.ofConfined()) {
            java.util.Set<Integer> fresh = eventfds();
            fresh.removeAll(before);
            assertThat(fresh).hasSize(1);
            int efd = fresh.iterator().next();
            selector.wakeup();
            MemorySegment counter = arena.allocate(8);
            // event loops wake by MSG_RING, so no READ is kept allowed for them: the kernel refuses it
            assertThat(OneShot.run(ring, 1, s -> s.prepRead(efd, counter, 0))).isEqualTo(EACCES);
        }
    }

    @Test
    @org.junit.jupiter.api.Timeout(60)
    void anEventLoopUnderANopOnlyPolicyStillWakesForEveryTask() throws Exception {
        RingPolicy nopOnly = RingPolicy.builder("nop-only").allow(Opcode.NOP).build();
        try (dev.uring.core.loop.EventLoopGroup group = PolicyScope.call(nopOnly,
                () -> dev.uring.core.loop.EventLoopGroup.create(1))) {
            dev.uring.core.loop.EventLoop loop = group.next();
            for (int i = 0; i < 100; i++) {
                java.util.concurrent.CompletableFuture<Integer> res = new java.util.concurrent.CompletableFuture<>();
                loop.execute(() -> loop.nextSqe().prepNop().userData(loop.register((r, f) -> res.complete(r))));
                assertThat(res.get(10, java.util.concurrent.TimeUnit.SECONDS)).isZero();
            }
        }
    }

    @Test
    void sqeFlagsOutsideThePolicyAreRefusedByTheKernel() throws Exception {
        RingPolicy plainNop = RingPolicy.builder("nop-no-flags").allow(Opcode.NOP).build();
        try (Ring ring = kernelOnly(plainNop)) {
            assertThat(OneShot.run(ring, 1, s -> s.prepNop().flags(SqeFlags.ASYNC))).isEqualTo(EACCES);
            assertThat(OneShot.run(ring, 2, Sqe::prepNop)).isZero();
        }
        RingPolicy asyncRequired = RingPolicy.builder("async-required").allow(Opcode.NOP).requireFlags(SqeFlags.ASYNC)
                .build();
        try (Ring ring = kernelOnly(asyncRequired)) {
            assertThat(OneShot.run(ring, 1, Sqe::prepNop)).isEqualTo(EACCES);
            assertThat(OneShot.run(ring, 2, s -> s.prepNop().flags(SqeFlags.ASYNC))).isZero();
        }
    }

    @Test
    void aRegisterOpOutsideThePolicyFailsWithAccessDeniedNamingIt() throws Exception {
        RingPolicy nopOnly = RingPolicy.builder("nop-only").allow(Opcode.NOP).build();
        try (Ring ring = withPolicy(nopOnly); Arena arena = Arena.ofConfined()) {
            MemorySegment mem = arena.allocate(4096, 4096);
            assertThatThrownBy(() -> ring.registerBuffers(mem))
                    .isInstanceOf(AccessDeniedException.class).hasMessageContaining("BUFFERS");
            assertThatThrownBy(() -> ring.ioWqMaxWorkers(1, 1))
                    .isInstanceOf(AccessDeniedException.class).hasMessageContaining("IOWQ_MAX_WORKERS");
        }
    }

    @Test
    void frameworkRegisterOpsStillWorkAfterEnabling() throws Exception {
        RingPolicy nopOnly = RingPolicy.builder("nop-only").allow(Opcode.NOP).build();
        assertThat(nopOnly.permits(RegisterOp.FILES_UPDATE2)).isFalse();
        try (Ring ring = withPolicy(nopOnly)) {
            assertThat(ring.isEnabled()).isTrue();
            ring.registerFilesSparse(4);
            assertThat(ring.updateFiles(0, 0)).isEqualTo(1);
            ring.unregisterFiles();
            try (ProvidedBufferRing pbuf = ProvidedBufferRing.register(ring, 3, 8, 64)) {
                assertThat(pbuf.group()).isEqualTo(3);
            }
            assertThat(ring.probe().isSupported(Opcode.NOP)).isTrue();
        }
    }

    @Test
    void registerOpsAllowedByThePolicyWork() throws Exception {
        RingPolicy withBuffers = RingPolicy.builder("nop-buffers").allow(Opcode.NOP)
                .allowRegister(RegisterOp.BUFFERS, RegisterOp.UNREGISTER_BUFFERS).build();
        try (Ring ring = withPolicy(withBuffers); Arena arena = Arena.ofConfined()) {
            ring.registerBuffers(arena.allocate(4096, 4096));
            ring.unregisterBuffers();
        }
    }
}
