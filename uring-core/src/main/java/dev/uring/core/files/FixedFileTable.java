package dev.uring.core.files;

import dev.uring.core.AtFlags;
import dev.uring.core.Errors;
import dev.uring.core.FileIndex;
import dev.uring.core.Sqe;
import dev.uring.core.ffi.Errno;
import dev.uring.core.loop.EventLoop;
import dev.uring.core.loop.EventLoopGroup;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;

/**
 * One sparse fixed-file table of the same size registered in every ring of an
 * {@link EventLoopGroup}, with one slot allocator for the whole group: slot k names the same open
 * file on every ring. Slots {@code [0, groupSlots)} belong to the group's allocator; slots
 * {@code [groupSlots, size)} are the kernel's ({@code IORING_REGISTER_FILE_ALLOC_RANGE}), so an
 * OPENAT, SOCKET or ACCEPT with {@link FileIndex#ALLOC} on one ring lands there and never collides
 * with a group slot (with no kernel slots such an op fails with ENFILE).
 *
 * <p>A file is opened (or accepted, or an fd registered) into a slot on one ring, then sent to
 * every other ring with MSG_RING SEND_FD; {@link Propagation#EAGER} completes the returned
 * future only when every ring holds it, and rolls every ring back if one fails. With
 * {@link Propagation#LAZY} only the opening ring holds it until {@link FixedFile#on(EventLoop)}.
 * Every future completes on a loop thread: never block a loop thread on one (a loop waiting for
 * another loop's task work deadlocks with DEFER_TASKRUN).
 *
 * <p>The table registers on each loop thread when created and when a ring {@link #attach joins};
 * everything after that uses SQE ops only, which restricted rings can allow (see the package doc).
 * {@link #close()} clears every slot, unregisters the tables and is called by whoever created the
 * table, before closing the group.
 */
public final class FixedFileTable implements AutoCloseable {
    /** When a file reaches the rings other than the one that opened it. */
    public enum Propagation {
        /** Installed on every ring before the handle is returned. */
        EAGER,
        /** Installed on another ring on first use there ({@link FixedFile#on(EventLoop)}). */
        LAZY
    }

    /** Puts a file into fixed slot {@code slot} with one SQE on the origin loop's thread. */
    @FunctionalInterface
    public interface DirectInstall {
        /**
         * Prepares {@code sqe}; the op's CQE must have {@code res >= 0} on success.
         *
         * @param arena memory that lives until the CQE (paths, fd arrays), confined to the loop thread
         */
        void prepare(Sqe sqe, int slot, Arena arena);
    }

    /** The kernel's IORING_MAX_FIXED_FILES. */
    public static final int MAX_FIXED_FILES = 1 << 20;
    private static final long CLOSE_TIMEOUT_SECONDS = 10;
    /** Loops that belong to some table: a ring has one file table, so one FixedFileTable. */
    private static final Set<EventLoop> CLAIMED = ConcurrentHashMap.newKeySet();

    /** A ring of the table; {@code state} guarded by the table's lock. */
    static final class Member {
        static final int NO_TABLE = 0;
        static final int TABLE = 1;
        static final int READY = 2;
        final EventLoop loop;
        final int index;
        volatile int state;

        Member(EventLoop loop, int index, int state) {
            this.loop = loop;
            this.index = index;
            this.state = state;
        }

        boolean hasTable() {
            return state != NO_TABLE;
        }

        @Override
        public String toString() {
            return loop.toString();
        }
    }

    final Object lock = new Object();
    final int size;
    final int groupSlots;
    private final Propagation propagation;
    final SlotStates slots;
    private final CloneFiles clones = new CloneFiles(this);
    private final Map<EventLoop, Member> byLoop = new ConcurrentHashMap<>();
    private volatile Member[] members;
    private volatile boolean closed;

    private FixedFileTable(List<EventLoop> loops, int groupSlots, int kernelSlots, Propagation propagation) {
        this.size = groupSlots + kernelSlots;
        this.groupSlots = groupSlots;
        this.propagation = propagation;
        this.slots = new SlotStates(groupSlots);
        Member[] ms = new Member[loops.size()];
        for (int i = 0; i < ms.length; i++) {
            ms[i] = new Member(loops.get(i), i, Member.NO_TABLE);
            byLoop.put(ms[i].loop, ms[i]);
        }
        this.members = ms;
    }

    /**
     * Registers a sparse table of {@code groupSlots + kernelSlots} slots in every ring of
     * {@code group} (on each loop's thread) and confines kernel-side allocation to the last
     * {@code kernelSlots}. The future fails, with every ring rolled back, when one ring refuses.
     *
     * @throws IllegalArgumentException for sizes out of range, or a loop already in another table
     */
    public static CompletableFuture<FixedFileTable> create(EventLoopGroup group, int groupSlots, int kernelSlots,
            Propagation propagation) {
        if (groupSlots < 1 || kernelSlots < 0 || (long) groupSlots + kernelSlots > MAX_FIXED_FILES) {
            throw new IllegalArgumentException("a fixed-file table needs 1.." + MAX_FIXED_FILES
                    + " slots in all and at least one group slot, got " + groupSlots + " group + " + kernelSlots
                    + " kernel slots");
        }
        List<EventLoop> loops = group.loops();
        for (EventLoop l : loops) {
            if (l.isClosing()) {
                throw new IllegalArgumentException(l + " is closed");
            }
        }
        claim(loops);
        FixedFileTable table = new FixedFileTable(loops, groupSlots, kernelSlots, propagation);
        List<CompletableFuture<Void>> regs = new ArrayList<>();
        for (Member m : table.members) {
            regs.add(table.registerTable(m));
        }
        CompletableFuture<FixedFileTable> result = new CompletableFuture<>();
        CompletableFuture.allOf(regs.toArray(CompletableFuture[]::new)).whenComplete((v, t) -> {
            if (t == null) {
                for (Member m : table.members) {
                    m.state = Member.READY;
                }
                result.complete(table);
                return;
            }
            // one ring refused: unregister the tables that did get registered, free the loops
            for (Member m : table.members) {
                if (m.hasTable()) {
                    table.unregisterTable(m);
                }
            }
            unclaim(loops);
            result.completeExceptionally(unwrap(t));
        });
        return result;
    }

    /** {@link #create(EventLoopGroup, int, int, Propagation)} with eager propagation, the default. */
    public static CompletableFuture<FixedFileTable> create(EventLoopGroup group, int groupSlots, int kernelSlots) {
        return create(group, groupSlots, kernelSlots, Propagation.EAGER);
    }

    private static void claim(List<EventLoop> loops) {
        List<EventLoop> done = new ArrayList<>();
        for (EventLoop l : loops) {
            if (!CLAIMED.add(l)) {
                unclaim(done);
                throw new IllegalArgumentException(l + " already belongs to another fixed-file table");
            }
            done.add(l);
        }
    }

    private static void unclaim(List<EventLoop> loops) {
        loops.forEach(CLAIMED::remove);
    }

    /** FILES2 sparse and FILE_ALLOC_RANGE on {@code m}'s thread; the member then has a table. */
    CompletableFuture<Void> registerTable(Member m) {
        CompletableFuture<Void> f = new CompletableFuture<>();
        runOn(m.loop, f, () -> {
            m.loop.ring().registerFilesSparse(size);
            try {
                m.loop.ring().registerFileAllocRange(groupSlots, size - groupSlots);
            } catch (IOException | RuntimeException e) {
                m.loop.ring().unregisterFiles();
                throw e;
            }
            synchronized (lock) {
                if (m.state == Member.NO_TABLE) {
                    m.state = Member.TABLE;
                }
            }
            f.complete(null);
        });
        return f;
    }

    private void unregisterTable(Member m) {
        CompletableFuture<Void> ignored = new CompletableFuture<>();
        runOn(m.loop, ignored, () -> {
            try {
                m.loop.ring().unregisterFiles();
            } catch (IOException e) {
                // a restricted ring may refuse; its table goes away with the ring
            }
            ignored.complete(null);
        });
    }

    /** Runs {@code body} on {@code loop}'s thread; any failure completes {@code f} exceptionally. */
    static void runOn(EventLoop loop, CompletableFuture<?> f, ThrowingRunnable body) {
        Runnable task = () -> {
            try {
                body.run();
            } catch (Throwable t) {
                f.completeExceptionally(t);
            }
        };
        try {
            loop.runOrExecute(task);
        } catch (RejectedExecutionException e) {
            f.completeExceptionally(new IllegalStateException(loop + " is closed", e));
        }
    }

    @FunctionalInterface
    interface ThrowingRunnable {
        void run() throws Exception;
    }

    // ------------------------------------------------------------------ properties

    /** The table size on every ring: group slots plus kernel slots. */
    public int size() {
        return size;
    }

    /** How many slots the group's allocator hands out ({@code [0, groupSlots)}). */
    public int groupSlots() {
        return groupSlots;
    }

    /** Eager or lazy propagation. */
    public Propagation propagation() {
        return propagation;
    }

    /** The loops whose rings share this table, in join order. */
    public List<EventLoop> loops() {
        return Arrays.stream(members).map(m -> m.loop).toList();
    }

    /** How many group slots are not free (installing, live, clearing or quarantined). */
    public int slotsInUse() {
        synchronized (lock) {
            return groupSlots - slots.freeCount();
        }
    }

    /** How many group slots are live (installed and not yet released). */
    public int liveFiles() {
        synchronized (lock) {
            return slots.count(SlotStates.LIVE);
        }
    }

    /** How many slots were retired because a ring failed to clear them (0 unless a ring misbehaved). */
    public int quarantinedSlots() {
        synchronized (lock) {
            return slots.quarantined();
        }
    }

    /** Whether this kernel has a clone-files registration (found by behaviour; false on Linux 6.18). */
    public static boolean kernelCloneFilesSupported() {
        return KernelCloneFiles.supported();
    }

    Member member(EventLoop loop) {
        Member m = byLoop.get(loop);
        if (m == null) {
            throw new IllegalArgumentException(loop + " is not a ring of this fixed-file table"
                    + " (a ring from another group?)");
        }
        return m;
    }

    private Member readyMember(EventLoop loop) {
        Member m = member(loop);
        if (m.state != Member.READY) {
            throw new IllegalStateException(loop + " is still joining this fixed-file table");
        }
        return m;
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("fixed-file table is closed");
        }
    }

    private List<Member> withTable() {
        List<Member> out = new ArrayList<>();
        for (Member m : members) {
            if (m.hasTable()) {
                out.add(m);
            }
        }
        return out;
    }

    // ------------------------------------------------------------------ install

    /**
     * Opens {@code path} straight into a group slot on {@code origin}'s ring (OPENAT direct), then
     * propagates it. The future fails with the {@code java.nio.file} exception for the errno.
     *
     * @throws IllegalStateException when every group slot is in use, or the table is closed
     */
    public CompletableFuture<FixedFile> open(EventLoop origin, Path path, int openFlags, int mode) {
        String p = path.toString();
        if (p.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("path contains a NUL byte: " + p);
        }
        return install(origin, "OPENAT " + p,
                (sqe, slot, arena) -> sqe.prepOpenatDirect(AtFlags.FDCWD, arena.allocateFrom(p), openFlags, mode, slot));
    }

    /** Accepts one connection on {@code listenFd} straight into a group slot (ACCEPT direct), then propagates it. */
    public CompletableFuture<FixedFile> accept(EventLoop origin, int listenFd, int acceptFlags) {
        if (listenFd < 0) {
            throw new IllegalArgumentException("listening socket fd must not be negative, got " + listenFd);
        }
        return install(origin, "ACCEPT on fd " + listenFd, (sqe, slot, arena) -> sqe.prepAcceptDirect(listenFd,
                acceptFlags, slot));
    }

    /** Creates a socket straight into a group slot (SOCKET direct), then propagates it. */
    public CompletableFuture<FixedFile> socket(EventLoop origin, int domain, int type, int protocol) {
        return install(origin, "SOCKET " + domain + "/" + type + "/" + protocol,
                (sqe, slot, arena) -> sqe.prepSocketDirect(domain, type, protocol, 0, slot));
    }

    /**
     * Registers the existing {@code fd} into a group slot of every ring (FILES_UPDATE on
     * {@code origin}, then MSG_RING). The rings take their own references: the caller still owns
     * {@code fd} and may close it once the future completed.
     */
    public CompletableFuture<FixedFile> register(EventLoop origin, int fd) {
        if (fd < 0) {
            throw new IllegalArgumentException("fd must not be negative, got " + fd);
        }
        return install(origin, "FILES_UPDATE fd " + fd, (sqe, slot, arena) -> {
            MemorySegment fds = arena.allocate(4, 4);
            fds.set(java.lang.foreign.ValueLayout.JAVA_INT, 0, fd);
            sqe.prepFilesUpdate(fds, 1, slot);
        });
    }

    /**
     * Puts a file into a fresh group slot with {@code op} on {@code origin}'s ring, then propagates
     * it (eagerly: to every ring, rolling all back if one fails).
     *
     * @param what names the op in exceptions
     * @throws IllegalArgumentException when {@code origin} is not a ring of this table
     * @throws IllegalStateException when every group slot is in use, or the table is closed
     */
    public CompletableFuture<FixedFile> install(EventLoop origin, String what, DirectInstall op) {
        Member o = readyMember(origin);
        int slot;
        synchronized (lock) {
            checkOpen();
            slot = slots.reserve();
            if (slot < 0) {
                int clearing = slots.count(SlotStates.CLEARING);
                throw new IllegalStateException("fixed-file table exhausted: all " + groupSlots + " group slots are in use"
                        + (clearing > 0 ? " (" + clearing + " still being cleared on some ring)" : ""));
            }
        }
        CompletableFuture<FixedFile> result = new CompletableFuture<>();
        Runnable start = () -> startInstall(o, slot, what, op, result);
        try {
            if (origin.inEventLoop()) {
                start.run();
            } else {
                origin.execute(start);
            }
        } catch (RejectedExecutionException e) {
            freeSlot(slot);
            result.completeExceptionally(new IllegalStateException(origin + " is closed", e));
        }
        return result;
    }

    private void startInstall(Member o, int slot, String what, DirectInstall op, CompletableFuture<FixedFile> result) {
        EventLoop loop = o.loop;
        Arena arena = Arena.ofConfined();
        Sqe sqe = null;
        try {
            sqe = loop.nextSqe();
            op.prepare(sqe, slot, arena);
            sqe.userData(loop.register((res, flags) -> {
                arena.close();
                firstInstalled(o, slot, what, res, result);
            }));
        } catch (Throwable t) {
            if (sqe != null) {
                // the SQE is claimed and will be submitted: make it harmless
                sqe.prepNop().flags(0).userData(EventLoop.NO_COMPLETION);
            }
            arena.close();
            freeSlot(slot);
            result.completeExceptionally(t);
        }
    }

    private void firstInstalled(Member o, int slot, String what, int res, CompletableFuture<FixedFile> result) {
        if (res < 0) {
            // nothing was installed anywhere
            freeSlot(slot);
            result.completeExceptionally(Errors.toException(res, what, null));
            return;
        }
        FixedFile f = new FixedFile(this, slot, o);
        f.markInstalled(o);
        if (propagation == Propagation.LAZY) {
            synchronized (lock) {
                slots.live(slot, f);
            }
            result.complete(f);
            return;
        }
        propagate(f, result);
    }

    /** On the origin's thread: sends the file to every member with a table that lacks it, until none does. */
    private void propagate(FixedFile f, CompletableFuture<FixedFile> result) {
        Member o = f.origin();
        List<Member> missing = new ArrayList<>();
        synchronized (lock) {
            for (Member m : withTable()) {
                if (!f.installedOn(m)) {
                    missing.add(m);
                }
            }
            if (missing.isEmpty()) {
                slots.live(f.slot(), f);
            }
        }
        if (missing.isEmpty()) {
            result.complete(f);
            return;
        }
        int n = missing.size();
        int[] s = new int[n];
        Arrays.fill(s, f.slot());
        EventLoop[] targets = missing.stream().map(m -> m.loop).toArray(EventLoop[]::new);
        FileMessages.send(o.loop, s, s, targets, results -> {
            IOException failure = null;
            for (int i = 0; i < n; i++) {
                if (results[i] == 0) {
                    f.markInstalled(missing.get(i));
                } else if (failure == null) {
                    failure = Errors.toException(results[i], "MSG_RING SEND_FD of slot " + f.slot() + " to " + targets[i],
                            null);
                }
            }
            if (failure == null) {
                // a ring may have joined meanwhile: loop until every member holds the file
                propagate(f, result);
                return;
            }
            IOException cause = failure;
            clearEverywhere(f.slot(), clearFailure -> result.completeExceptionally(cause));
        });
    }

    /** Lazy propagation: sends {@code f} from its origin to {@code m}; completes {@code done} with the slot. */
    void installOn(FixedFile f, Member m, CompletableFuture<Integer> done) {
        if (!m.hasTable()) {
            f.forgetInstall(m, done);
            done.completeExceptionally(new IllegalStateException(m + " is still joining this fixed-file table"));
            return;
        }
        EventLoop src = f.origin().loop;
        int[] s = {f.slot()};
        Runnable send = () -> FileMessages.send(src, s, s, new EventLoop[] {m.loop}, results -> {
            if (results[0] == 0) {
                done.complete(f.slot());
            } else {
                f.forgetInstall(m, done);
                done.completeExceptionally(Errors.toException(results[0], "MSG_RING SEND_FD of slot " + f.slot()
                        + " to " + m, null));
            }
        });
        try {
            if (src.inEventLoop()) {
                send.run();
            } else {
                src.execute(send);
            }
        } catch (RejectedExecutionException e) {
            f.forgetInstall(m, done);
            done.completeExceptionally(new IllegalStateException(src + " is closed", e));
        }
    }

    // ------------------------------------------------------------------ release

    /** The last reference went: once no lazy install is in flight, clear the slot on every ring. */
    void retire(FixedFile f) {
        List<CompletableFuture<Integer>> pending = f.beginRetire();
        if (pending.isEmpty()) {
            clearEverywhere(f.slot(), f::markCleared);
        } else {
            CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new))
                    .whenComplete((v, t) -> clearEverywhere(f.slot(), f::markCleared));
        }
    }

    /**
     * Marks {@code slot} CLEARING, clears it on every ring that has a table, and frees it only
     * when all of them confirmed (or quarantines it when one could not), then tells {@code after}
     * null, or which ring could not clear it and why.
     */
    private void clearEverywhere(int slot, java.util.function.Consumer<@Nullable String> after) {
        List<Member> targets;
        synchronized (lock) {
            slots.clearing(slot);
            targets = withTable();
        }
        if (targets.isEmpty()) {
            freeSlot(slot);
            after.accept(null);
            return;
        }
        AtomicInteger left = new AtomicInteger(targets.size());
        AtomicReference<@Nullable String> bad = new AtomicReference<>();
        for (Member m : targets) {
            FileMessages.clear(m.loop, slot, res -> {
                if (!FileMessages.cleared(res)) {
                    bad.compareAndSet(null, m + ": " + Errno.name(-res));
                }
                if (left.decrementAndGet() == 0) {
                    synchronized (lock) {
                        if (bad.get() == null) {
                            slots.free(slot);
                        } else {
                            slots.quarantine(slot);
                        }
                        lock.notifyAll();
                    }
                    after.accept(bad.get());
                }
            });
        }
    }

    private void freeSlot(int slot) {
        synchronized (lock) {
            slots.free(slot);
            lock.notifyAll();
        }
    }

    // ------------------------------------------------------------------ join and clone

    /**
     * Adds {@code loop}'s ring to the table: it receives the current table through
     * {@link #cloneFiles} (from the first ready ring, without replace, since it has none yet) and
     * takes part in every install and clear from then on. Register-time work happens here, so a
     * restricted ring must allow FILES2 and FILE_ALLOC_RANGE (or be attached before restrictions).
     *
     * @throws IllegalArgumentException when the loop is in this or another table already
     */
    public CompletableFuture<Void> attach(EventLoop loop) {
        if (byLoop.containsKey(loop)) {
            throw new IllegalArgumentException(loop + " is already a ring of this fixed-file table");
        }
        Member source = null;
        Member joining;
        synchronized (lock) {
            checkOpen();
            for (Member m : members) {
                if (m.state == Member.READY && !m.loop.isClosing()) {
                    source = m;
                    break;
                }
            }
            if (source == null) {
                throw new IllegalStateException("no ready ring in this fixed-file table to clone from");
            }
            claim(List.of(loop));
            Member[] ms = Arrays.copyOf(members, members.length + 1);
            joining = new Member(loop, ms.length - 1, Member.NO_TABLE);
            ms[ms.length - 1] = joining;
            members = ms;
            byLoop.put(loop, joining);
        }
        return cloneFiles(source.loop, loop, 0, 0, 0, false).thenRun(() -> joining.state = Member.READY);
    }

    /**
     * Clones {@code nr} slots of {@code src}'s table from {@code srcOff} into {@code dst}'s table
     * at {@code dstOff}, with the semantics of IORING_REGISTER_CLONE_FILES (seed 001): a snapshot
     * copy, holes copied as holes; {@code nr} 0 means the whole source table (then both offsets
     * must be 0); a destination that already has a table is refused unless {@code replace}, and
     * then only the cloned range changes. A destination without a table (a ring that is joining)
     * gets one. Within the group range only files live on {@code src} are copied and other slots
     * are left alone, and slot numbers must be kept there, so slot k still names one file on every
     * ring; the kernel range ({@code [groupSlots, size)}) is copied as is. Uses the kernel's
     * registration where it exists (only into a ring without a table), SQE ops otherwise.
     *
     * @throws IllegalArgumentException self-clone; a ring from another group; negative arguments;
     *     offsets without {@code nr}; ranges that overflow or exceed the table; a renumbering
     *     clone into the group range
     * @throws IllegalStateException busy destination without {@code replace} (EBUSY); empty
     *     source, a ring with no table (ENXIO); a closed table
     */
    public CompletableFuture<Void> cloneFiles(EventLoop src, EventLoop dst, int srcOff, int dstOff, int nr,
            boolean replace) {
        Member s = member(src);
        Member d = member(dst);
        int n = clones.validate(s, d, srcOff, dstOff, nr, replace);
        checkOpen();
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (d.hasTable()) {
            clones.copyRange(s, d, srcOff, dstOff, n, done);
            return done;
        }
        CompletableFuture<Void> created = new CompletableFuture<>();
        runOn(d.loop, created, () -> {
            if (KernelCloneFiles.supported() && clones.kernelClone(s, d, srcOff, dstOff, n)) {
                done.complete(null);
                created.complete(null);
                return;
            }
            registerTable(d).whenComplete((v, t) -> {
                if (t != null) {
                    created.completeExceptionally(t);
                } else {
                    created.complete(null);
                    clones.copyRange(s, d, srcOff, dstOff, n, done);
                }
            });
        });
        created.whenComplete((v, t) -> {
            if (t != null) {
                done.completeExceptionally(unwrap(t));
            }
        });
        return done;
    }

    // ------------------------------------------------------------------ close

    /**
     * Clears every slot on every ring (waiting, bounded, for installs and clears in flight),
     * unregisters the tables and frees the loops for another table. Live handles become unusable;
     * releasing them afterwards is allowed and does nothing. Call it before closing the group,
     * and never on a loop thread (it waits for the loops). Idempotent.
     */
    @Override
    public void close() {
        for (Member m : members) {
            if (m.loop.inEventLoop()) {
                throw new IllegalStateException("close a fixed-file table from outside its event loops: it waits for them");
            }
        }
        List<FixedFile> live = new ArrayList<>();
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(CLOSE_TIMEOUT_SECONDS);
            while (slots.count(SlotStates.RESERVED) + slots.count(SlotStates.CLEARING) > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(lock, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            for (int i = 0; i < groupSlots; i++) {
                if (slots.state(i) == SlotStates.LIVE) {
                    FixedFile f = slots.file(i);
                    f.tableClosed();
                    live.add(f);
                }
            }
        }
        CountDownLatch cleared = new CountDownLatch(live.size());
        for (FixedFile f : live) {
            clearEverywhere(f.slot(), failure -> {
                f.markCleared(failure);
                cleared.countDown();
            });
        }
        awaitQuietly(cleared);
        List<Member> ms = withTable();
        CountDownLatch unregistered = new CountDownLatch(ms.size());
        for (Member m : ms) {
            CompletableFuture<Void> f = new CompletableFuture<>();
            runOn(m.loop, f, () -> {
                try {
                    m.loop.ring().unregisterFiles();
                } catch (IOException e) {
                    // a restricted ring may refuse: the table goes with the ring
                }
                f.complete(null);
            });
            f.whenComplete((v, t) -> unregistered.countDown());
        }
        awaitQuietly(unregistered);
        unclaim(Arrays.stream(members).map(m -> m.loop).toList());
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(CLOSE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static Throwable unwrap(Throwable t) {
        return t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
    }

    @Override
    public String toString() {
        return "FixedFileTable[size=" + size + ", groupSlots=" + groupSlots + ", rings=" + members.length + ", "
                + propagation + "]";
    }
}
