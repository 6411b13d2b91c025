package dev.uring.nio;

import dev.uring.core.AtFlags;
import dev.uring.core.Errors;
import dev.uring.core.FileCalls;
import dev.uring.core.KernelFeature;
import dev.uring.core.Opcode;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousFileChannel;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.CompletionHandler;
import java.nio.channels.FileLock;
import java.nio.channels.NonReadableChannelException;
import java.nio.channels.NonWritableChannelException;
import java.nio.file.AccessDeniedException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.ProviderMismatchException;
import java.nio.file.attribute.FileAttribute;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import org.jspecify.annotations.Nullable;

/**
 * An {@link AsynchronousFileChannel} whose reads, writes, {@link #force force}, {@link #size size} and
 * (on Linux 6.9+) {@link #truncate truncate} are io_uring ops on uring-core's per-core event loops,
 * instead of blocking calls on a thread pool. It follows the JDK's contract and exceptions; what is
 * specific to it:
 *
 * <ul>
 *   <li>Completion handlers run on the executor given to {@link #open(Path, Set, ExecutorService,
 *       FileAttribute...) open}, else on a default executor (one daemon thread while handlers are
 *       short, a cached pool for the others while one waits or runs long: {@code uring-nio-handler-N}):
 *       never on a loop thread, unless that executor runs tasks on the
 *       calling thread. A {@code Future} is completed by the loop, and is a plain {@code Future} (no
 *       stage can be chained onto it). As with the JDK, closing a channel leaves its executor as it is
 *       (several channels may share one). A given executor gets one task per handler, as from the
 *       JDK. The default one gets the handlers whose ops completed in one pass of a loop as one task,
 *       run one after another in the order of their completions (one task per completion would cost
 *       a thread hand-off each); when one of them waits or runs long, those not yet started go to
 *       the pool, one task each, with the other waiting tasks, so a handler may wait for another's
 *       result.</li>
 *   <li>A channel hands its ops to the loops of the group in turn, 16 ops to a loop before the next
 *       ({@code -During.nio.opsPerLoop=N}; 0 keeps each channel on one loop), so that a burst of ops
 *       wakes few loops while the kernel's work for many ops in flight (a READ of cached pages is
 *       done inline, on the core of the loop that submits it) spreads over the cores; an op handed
 *       over on a loop thread stays on that loop.</li>
 *   <li>A direct buffer is handed to the kernel as is; a heap buffer goes through a native bounce
 *       buffer of the loop's pool (a copy each way). Either buffer must not be touched until the
 *       op completes.</li>
 *   <li>A read of up to 256 KiB first takes what the page cache holds on the calling thread, by
 *       preadv2 with RWF_NOWAIT, which never waits for a device (into a direct buffer as is, into a
 *       heap buffer through native memory of the call's own); only the bytes not cached go to a loop
 *       as a READ. A read of cached pages so costs a syscall on the caller and the handler's
 *       hand-over to the executor, instead of two hand-overs between threads. A ring policy that
 *       refuses or checks READ keeps every read on the ring ({@code -During.nio.readCachedOnCaller=false}
 *       does so for all), as does a file system that cannot read without waiting.</li>
 *   <li>The blocking methods ({@link #size}, {@link #force}, {@link #truncate}, {@link #close} waits
 *       for in-flight ops) wait for the loop's completion on the calling thread; called on one of
 *       the channel's own loop threads (possible only through an executor that runs handlers
 *       inline) they throw {@link IllegalStateException} rather than stall the loop for good.</li>
 *   <li>{@link #truncate}: IORING_OP_FTRUNCATE where {@link KernelFeature#FTRUNCATE} says the kernel
 *       has it (Linux 6.9+); before that, ftruncate(2) on the calling thread, never on a loop thread,
 *       after the loop's ring policy was asked whether it allows the op.</li>
 *   <li>Locks: io_uring has no lock op. {@link #lock} and {@link #tryLock} take the JDK's own POSIX
 *       record locks, through a {@link java.nio.channels.FileChannel} opened on the same open file
 *       ({@code /proc/self/fd/N}), so they share the JVM's lock table with every other channel
 *       ({@link java.nio.channels.OverlappingFileLockException}); a lock that has to wait waits on the
 *       executor, never on a loop thread.</li>
 *   <li>{@link #close} fails the ops not yet submitted and the ones the kernel cancels (ASYNC_CANCEL)
 *       with {@link java.nio.channels.AsynchronousCloseException}, and closes the fd only after the
 *       final completion of every op that named it.</li>
 *   <li>The rings carry the policy (uring-policy) in force where the channel was opened: channels
 *       opened inside a policy scope run on loops created for that policy, through core's normal ring
 *       creation; the open itself is an OPENAT on such a ring.</li>
 * </ul>
 *
 * <p>Where io_uring is unavailable (a seccomp filter, {@code kernel.io_uring_disabled}), {@code open}
 * returns the JDK's channel and says why once in the log ({@code System.Logger} "dev.uring.nio").
 */
public final class UringAsynchronousFileChannel extends AsynchronousFileChannel {
    /** What the internal read and write return for a handler op (whose public method is void). */
    private static final PendingFuture<Integer> NO_FUTURE = PendingFuture.of(0);
    private final InFlight ops;
    private final FileLocks locks;
    private final ExecutorService executor;
    /**
     * The most bytes a read takes from the page cache on the calling thread: that copy runs as a critical
     * native call (no safepoint meanwhile), so a larger read goes to the ring.
     */
    private static final int MAX_CACHED_READ = 256 * 1024;
    /** How deep cached reads may nest on one thread through handlers run inline (as the JDK's 16). */
    private static final int MAX_NESTED = 16;
    /** Per thread, how many handlers of cached reads are running on it, one inside the other. */
    private static final ThreadLocal<int[]> NESTED = ThreadLocal.withInitial(() -> new int[1]);
    private final boolean reading;
    private final boolean writing;
    private final String name;
    /** Whether reads try the page cache on the calling thread first; racy on purpose. */
    private boolean readCached;

    private UringAsynchronousFileChannel(String name, InFlight ops, FileLocks locks, @Nullable ExecutorService executor,
            boolean reading, boolean writing) {
        this.name = name;
        this.ops = ops;
        this.locks = locks;
        this.executor = executor == null ? DefaultExecutor.INSTANCE : executor;
        this.reading = reading;
        this.writing = writing;
        this.readCached = reading && ops.loops().readCachedOnCaller();
    }

    /**
     * Opens {@code file} as {@link AsynchronousFileChannel#open(Path, OpenOption...)} does, on io_uring.
     *
     * @throws IllegalArgumentException for an invalid combination of options
     * @throws UnsupportedOperationException for APPEND or an option the JDK does not support
     * @throws IOException when the kernel refuses ({@link java.nio.file.NoSuchFileException},
     *     {@link java.nio.file.FileAlreadyExistsException}, {@link AccessDeniedException}...)
     */
    public static AsynchronousFileChannel open(Path file, OpenOption... options) throws IOException {
        Objects.requireNonNull(options, "options");
        Set<OpenOption> set = new java.util.HashSet<>(options.length);
        java.util.Collections.addAll(set, options); // as the JDK: a repeated option is no error
        return open(file, set, null);
    }

    /**
     * Opens {@code file} as {@link AsynchronousFileChannel#open(Path, Set, ExecutorService, FileAttribute...)}
     * does, on io_uring: handlers run on {@code executor} (null: the default pool), which the channel
     * never shuts down; {@code attrs} may hold {@code posix:permissions} for a created file.
     *
     * @throws IllegalArgumentException for an invalid combination of options
     * @throws UnsupportedOperationException for APPEND, an option or attribute the JDK does not support
     * @throws ProviderMismatchException when {@code file} is not a path of the default file system
     * @throws IOException when the kernel refuses ({@link java.nio.file.NoSuchFileException},
     *     {@link java.nio.file.FileAlreadyExistsException}, {@link AccessDeniedException}...)
     */
    public static AsynchronousFileChannel open(Path file, Set<? extends OpenOption> options,
            @Nullable ExecutorService executor, FileAttribute<?>... attrs) throws IOException {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(options, "options");
        Path path = UringFileSystem.unwrapDefault(file);
        OpenRequest request = OpenRequest.of(options, attrs);
        if (JdkFallback.INSTANCE.needed()) {
            return JdkFallback.open(path, options, executor, attrs);
        }
        Loops loops = Loops.current();
        String name = path.toString();
        int fd = LoopCall.run(loops, arena -> {
            var p = arena.allocateFrom(name);
            return sqe -> sqe.prepOpenat(AtFlags.FDCWD, p, request.flags(), request.mode());
        });
        if (fd < 0) {
            throw Errors.toException(fd, "OPENAT", name);
        }
        InFlight inFlight = new InFlight(loops, fd, name);
        UringAsynchronousFileChannel channel = new UringAsynchronousFileChannel(name, inFlight,
                new FileLocks(path, fd, request.reading(), request.writing()), executor, request.reading(),
                request.writing());
        if (request.deleteOnClose()) {
            // as the JDK on Linux: the name goes at once, the file when its last fd closes
            int r = LoopCall.run(loops, arena -> {
                var p = arena.allocateFrom(name);
                return sqe -> sqe.prepUnlinkat(AtFlags.FDCWD, p, 0);
            });
            if (r < 0) {
                channel.close();
                throw Errors.toException(r, "UNLINKAT", name);
            }
        }
        return channel;
    }

    // ------------------------------------------------------------------ reads and writes

    @Override
    public Future<Integer> read(ByteBuffer dst, long position) {
        return read(dst, position, null);
    }

    @Override
    public <A> void read(ByteBuffer dst, long position, @Nullable A attachment,
            CompletionHandler<Integer, ? super A> handler) {
        Objects.requireNonNull(handler, "'handler' is null");
        read(dst, position, new HandlerDispatch<>(handler, attachment, executor));
    }

    private Future<Integer> read(ByteBuffer dst, long position, @Nullable Outcome<Integer> handler) {
        Objects.requireNonNull(dst, "dst");
        if (position < 0) {
            throw new IllegalArgumentException("Negative position");
        }
        if (!reading) {
            throw new NonReadableChannelException();
        }
        if (dst.isReadOnly()) {
            throw new IllegalArgumentException("Read-only buffer");
        }
        if (!readCached || !dst.hasRemaining() || dst.remaining() > MAX_CACHED_READ) {
            return run(dst, position, dst.hasRemaining() ? ReadOp::new : null, handler);
        }
        // an executor that runs handlers inline would nest each handler's next cached read in the last
        int[] nested = handler != null && executor != DefaultExecutor.INSTANCE ? NESTED.get() : null;
        if (nested != null && nested[0] >= MAX_NESTED) {
            return run(dst, position, ReadOp::new, handler); // the ring's completion starts a fresh stack
        }
        long n = dst.isDirect() ? ops.readCached(MemorySegment.ofBuffer(dst), position)
                : readCachedIntoHeap(dst, position);
        if (n < 0) {
            if (n != FileCalls.NOT_CACHED && n != InFlight.CLOSED) {
                readCached = false; // the file system cannot read without waiting (EOPNOTSUPP), or seccomp
            }
            return run(dst, position, ReadOp::new, handler);
        }
        int read = (int) n;
        dst.position(dst.position() + read);
        if (read == 0 || !dst.hasRemaining()) {
            // every byte from the page cache (or the end of the file): the ring is not needed
            int value = read == 0 ? -1 : read;
            if (handler == null) {
                return PendingFuture.of(value);
            }
            if (nested != null) {
                nested[0]++;
            }
            try {
                handler.succeeded(value);
            } finally {
                if (nested != null) {
                    nested[0]--;
                }
            }
            return NO_FUTURE;
        }
        // a part was cached: the ring reads the rest, and the result counts both
        return run(dst, position + read, (b, p, o) -> new ReadOp(b, p, o, read), handler);
    }

    @Override
    public Future<Integer> write(ByteBuffer src, long position) {
        return write(src, position, null);
    }

    @Override
    public <A> void write(ByteBuffer src, long position, @Nullable A attachment,
            CompletionHandler<Integer, ? super A> handler) {
        Objects.requireNonNull(handler, "'handler' is null");
        write(src, position, new HandlerDispatch<>(handler, attachment, executor));
    }

    private Future<Integer> write(ByteBuffer src, long position, @Nullable Outcome<Integer> handler) {
        Objects.requireNonNull(src, "src");
        if (position < 0) {
            throw new IllegalArgumentException("Negative position");
        }
        if (!writing) {
            throw new NonWritableChannelException();
        }
        return run(src, position, src.hasRemaining() ? WriteOp::new : null, handler);
    }

    /** A read or write: on a closed channel it fails, with no bytes it completes with 0, else the op runs. */
    private Future<Integer> run(ByteBuffer buffer, long position, @Nullable BufferOp op,
            @Nullable Outcome<Integer> handler) {
        if (op == null || !isOpen()) {
            PendingFuture<Integer> done = !isOpen() ? PendingFuture.failedWith(new ClosedChannelException())
                    : PendingFuture.of(0);
            if (handler != null) {
                try {
                    handler.succeeded(done.get());
                } catch (ExecutionException e) {
                    handler.failed(e.getCause());
                } catch (InterruptedException e) {
                    throw new AssertionError("a completed future waited", e);
                }
            }
            return done;
        }
        if (handler != null) {
            ops.submit(op.make(buffer, position, handler));
            return NO_FUTURE; // not returned to the caller: the handler variants are void
        }
        PendingFuture<Integer> future = new PendingFuture<>();
        FileOp<Integer> fileOp = op.make(buffer, position, future);
        future.onCancel(closeChannel -> {
            ops.cancel(fileOp);
            if (closeChannel) {
                closeQuietly();
            }
        });
        ops.submit(fileOp);
        return future;
    }

    /**
     * {@link InFlight#readCached} for a heap buffer, whose array has no address to give the kernel: into
     * native memory of this call's own, then copied into the buffer.
     */
    private long readCachedIntoHeap(ByteBuffer dst, long position) {
        try (Arena scratch = Arena.ofConfined()) {
            MemorySegment scratchBytes = scratch.allocate(dst.remaining());
            long n = ops.readCached(scratchBytes, position);
            if (n > 0) {
                MemorySegment.copy(scratchBytes, 0, MemorySegment.ofBuffer(dst), 0, n);
            }
            return n;
        }
    }

    /** Makes a read or write op (a constructor reference: no capture, so no allocation per call). */
    @FunctionalInterface
    private interface BufferOp {
        FileOp<Integer> make(ByteBuffer buffer, long position, Outcome<Integer> outcome);
    }

    // ------------------------------------------------------------------ blocking methods

    @Override
    public long size() throws IOException {
        return await(new SizeOp(blockingOutcome()));
    }

    @Override
    public void force(boolean metaData) throws IOException {
        await(new SyncOp(metaData ? SyncOp.Kind.FSYNC : SyncOp.Kind.FDATASYNC, 0, blockingOutcome()));
    }

    /**
     * Truncates the file to {@code size} bytes when it is longer (else leaves it as it is), as the
     * JDK does. With IORING_OP_FTRUNCATE (Linux 6.9+) an io_uring op; before that, ftruncate(2) on the
     * calling thread (never a loop thread), after the ring's policy was asked whether it allows
     * FTRUNCATE ({@link AccessDeniedException} if not).
     */
    @Override
    public AsynchronousFileChannel truncate(long size) throws IOException {
        if (size < 0) {
            throw new IllegalArgumentException("Negative size");
        }
        if (!writing) {
            throw new NonWritableChannelException();
        }
        if (size >= size()) {
            return this;
        }
        truncateTo(size, KernelFeature.FTRUNCATE.isAvailable());
        return this;
    }

    /** Sets the size: by IORING_OP_FTRUNCATE with {@code useOp}, else by ftruncate(2) on this thread. */
    void truncateTo(long size, boolean useOp) throws IOException {
        if (useOp) {
            await(new SyncOp(SyncOp.Kind.FTRUNCATE, size, blockingOutcome()));
        } else {
            checkNotOnLoop();
            String denied = LoopCall.fallbackDenied(ops.loops(), Opcode.FTRUNCATE);
            if (denied != null) {
                throw new AccessDeniedException(name, null, denied);
            }
            ops.withFd(fd -> FileCalls.ftruncate(fd, size));
        }
    }

    private <V> PendingFuture<V> blockingOutcome() {
        checkNotOnLoop();
        return new PendingFuture<>();
    }

    private void checkNotOnLoop() {
        if (ops.loops().inLoop()) {
            throw new IllegalStateException("a blocking AsynchronousFileChannel method was called on the channel's "
                    + "own io_uring loop thread " + Thread.currentThread().getName()
                    + " (through an executor that runs handlers inline): it would wait for the loop it blocks");
        }
    }

    private <V> V await(FileOp<V> op) throws IOException {
        ops.submit(op);
        try {
            return ((PendingFuture<V>) op.outcome).join();
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof IOException io) {
                throw io;
            }
            if (c instanceof RuntimeException re) {
                throw re;
            }
            if (c instanceof Error err) {
                throw err;
            }
            throw new IOException(c);
        }
    }

    // ------------------------------------------------------------------ locks

    @Override
    public Future<FileLock> lock(long position, long size, boolean shared) {
        return lock(position, size, shared, null);
    }

    @Override
    public <A> void lock(long position, long size, boolean shared, @Nullable A attachment,
            CompletionHandler<FileLock, ? super A> handler) {
        Objects.requireNonNull(handler, "'handler' is null");
        lock(position, size, shared, new HandlerDispatch<>(handler, attachment, executor));
    }

    private Future<FileLock> lock(long position, long size, boolean shared, @Nullable Outcome<FileLock> handler) {
        checkLockMode(shared);
        checkRegion(position, size);
        Outcome<FileLock> out;
        PendingFuture<FileLock> future = new PendingFuture<>();
        out = handler != null ? handler : future;
        if (!isOpen()) {
            out.failed(new ClosedChannelException());
            return future;
        }
        FileLock now;
        try {
            // the JDK's checks (overlap with a lock of this JVM) throw here, as the JDK's own channel's do
            now = locks.tryLock(this, position, size, shared);
        } catch (ClosedChannelException e) {
            out.failed(isOpen() ? e : new java.nio.channels.AsynchronousCloseException());
            return future;
        } catch (IOException e) {
            out.failed(e);
            return future;
        }
        if (now != null) {
            out.succeeded(now);
            return future;
        }
        // another process holds an overlapping lock: wait for it on the executor, never on a loop
        try {
            executor.execute(() -> {
                try {
                    out.succeeded(locks.lock(this, position, size, shared));
                } catch (ClosedChannelException e) {
                    out.failed(new java.nio.channels.AsynchronousCloseException());
                } catch (IOException | RuntimeException e) {
                    out.failed(e);
                }
            });
        } catch (RejectedExecutionException e) {
            throw new java.nio.channels.ShutdownChannelGroupException();
        }
        return future;
    }

    @Override
    public @Nullable FileLock tryLock(long position, long size, boolean shared) throws IOException {
        checkLockMode(shared);
        checkRegion(position, size);
        if (!isOpen()) {
            throw new ClosedChannelException();
        }
        return locks.tryLock(this, position, size, shared);
    }

    private void checkLockMode(boolean shared) {
        if (shared && !reading) {
            throw new NonReadableChannelException();
        }
        if (!shared && !writing) {
            throw new NonWritableChannelException();
        }
    }

    private static void checkRegion(long position, long size) {
        if (position < 0) {
            throw new IllegalArgumentException("Negative position");
        }
        if (size < 0) {
            throw new IllegalArgumentException("Negative size");
        }
        if (position + size < 0) {
            throw new IllegalArgumentException("Negative position + size");
        }
    }

    // ------------------------------------------------------------------ close

    @Override
    public boolean isOpen() {
        return !ops.isClosing();
    }

    /**
     * Closes the channel: releases its locks, fails pending ops with
     * {@link java.nio.channels.AsynchronousCloseException} (those in the kernel are cancelled), and
     * returns once their final completions have come and the fd is closed (on a loop thread of the
     * channel it only begins the close). Idempotent.
     */
    @Override
    public void close() throws IOException {
        IOException lockFailure = null;
        boolean first = ops.close();
        if (first) {
            try {
                locks.close();
            } catch (IOException e) {
                lockFailure = e;
            }
        }
        ops.awaitClosed();
        if (lockFailure != null) {
            throw lockFailure;
        }
    }

    private void closeQuietly() {
        try {
            close();
        } catch (IOException e) {
            // a forced cancel closes the channel as a side effect; its errors have nowhere to go
        }
    }

    @Override
    public String toString() {
        return "UringAsynchronousFileChannel[" + name + (isOpen() ? "" : ", closed") + "]";
    }
}
