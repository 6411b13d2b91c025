package dev.uring.reactor.file;

import dev.uring.core.FileCalls;
import dev.uring.core.KernelFeature;
import dev.uring.core.Opcode;
import dev.uring.core.OpenHow;
import dev.uring.core.Statx;
import dev.uring.reactor.Uring;
import dev.uring.reactor.op.CheckedSource;
import dev.uring.reactor.op.CloseOp;
import dev.uring.reactor.op.FileHandle;
import dev.uring.reactor.op.MonoUringOp;
import dev.uring.reactor.op.OpRuntime;
import dev.uring.reactor.op.Runtimes;
import dev.uring.reactor.op.SyscallFallback;
import dev.uring.reactor.op.UringOperation;
import java.nio.ByteBuffer;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * An open file whose every operation is an io_uring op, exposed as a cold {@link Mono} or
 * {@link Flux}: nothing happens until subscription and request, a cancelled op is cancelled in
 * the kernel and keeps its buffers until the kernel's final completion, and results arrive on a
 * loop thread (never block in them).
 *
 * <p>Reads at or past the end of the file: {@link #read(long, int)} completes empty,
 * {@link #read(ByteBuffer, long)} yields -1 (as {@code AsynchronousFileChannel}). Ops on a closed
 * file fail with {@link java.nio.channels.ClosedChannelException}; file errors are the
 * {@code java.nio.file} exceptions ({@link java.nio.file.NoSuchFileException}...). Bad arguments
 * throw at assembly time. {@link #close()} closes the fd once the ops in flight are done.
 */
public final class ReactiveFile {
    /** The chunk size of {@link #readAll()}. */
    public static final int DEFAULT_CHUNK = 64 * 1024;
    /** The read-ahead depth of {@link #readAll()}. */
    public static final int DEFAULT_DEPTH = 4;

    private final OpRuntime uring;
    private final FileHandle file;
    private final FileSlot slot;
    private final Path path;
    private final long timeoutNanos;

    private ReactiveFile(OpRuntime uring, FileHandle file, FileSlot slot, Path path, long timeoutNanos) {
        this.uring = uring;
        this.file = file;
        this.slot = slot;
        this.path = path;
        this.timeoutNanos = timeoutNanos;
    }

    /** The runtime the file's ops run on. */
    OpRuntime uring() {
        return uring;
    }

    /** A file just opened on {@code rt}, which closes it when it closes unless the file closes first. */
    private static ReactiveFile opened(OpRuntime rt, FileHandle h, Path path) {
        ReactiveFile f = new ReactiveFile(rt, h, FileSlot.of(rt), path, 0);
        rt.resources().track(h, f::close);
        return f;
    }

    /** The fd and its reference count. */
    FileHandle handle() {
        return file;
    }

    /** Where the file is in the runtime's fixed-file table, if anywhere. */
    FileSlot slot() {
        return slot;
    }

    /**
     * The fixed-file slot this file's ops name on the runtime's rings ({@link Uring#fixedFiles(int)}),
     * or -1 while they use the fd: fixed files off, not installed yet (a file is installed once a
     * second read, write or sync is made on it), refused a slot, or closed.
     */
    public int fixedSlot() {
        return slot.slot();
    }

    /**
     * A path that opens this very open file again, {@code /proc/self/fd/N}: the inode this file
     * holds, whatever its path names now and however it was opened (beneath a directory
     * included), so that code that opens by path (zero-copy sendfile) reads what was opened, not
     * what a rename or symbolic link put there since. Valid only while this file is open: keep it
     * open until the other open is done.
     *
     * @throws IllegalStateException when the file is closed
     */
    public Path descriptorPath() {
        if (!file.isOpen()) {
            throw new IllegalStateException(path + " is closed: its descriptor path would name another file");
        }
        return Path.of("/proc/self/fd/" + file.fd());
    }

    /** The timeout of this view's ops, 0 for none. */
    long timeoutNanos() {
        return timeoutNanos;
    }

    /** Opens {@code path} on the {@link Uring#shared()} runtime; see {@link #open(Uring, Path, OpenOption...)}. */
    public static Mono<ReactiveFile> open(Path path, OpenOption... options) {
        return open(Uring.shared(), path, options);
    }

    /**
     * Opens {@code path} with OPENAT. Options follow {@code FileChannel.open}: none means READ;
     * WRITE, APPEND, CREATE, CREATE_NEW, TRUNCATE_EXISTING, DSYNC, SYNC, SPARSE and NOFOLLOW_LINKS
     * are supported, others throw {@link UnsupportedOperationException}. A missing file fails with
     * {@link java.nio.file.NoSuchFileException}, a directory opened for writing with a
     * {@link java.nio.file.FileSystemException} whose reason says EISDIR.
     */
    public static Mono<ReactiveFile> open(Uring uring, Path path, OpenOption... options) {
        Objects.requireNonNull(uring, "uring");
        Objects.requireNonNull(path, "path");
        int flags = OpenOptions.toFlags(options);
        String p = path.toString();
        OpRuntime rt = Runtimes.of(uring);
        return new MonoUringOp<>(rt, null, () -> new OpenOp(p, flags, 0666), 0)
                .map(h -> opened(rt, h, path));
    }

    /**
     * Opens {@code relativePath} beneath the directory {@code directory} with OPENAT2 and
     * RESOLVE_BENEATH: the kernel itself refuses a path that leaves the directory, by {@code ..} or
     * by a symbolic link (absolute ones included), with a {@link java.nio.file.FileSystemException}
     * whose reason says EXDEV. No check in user space can be raced: what is opened is what the kernel
     * resolved, under the directory, at the moment of the open. Options as for
     * {@link #open(Uring, Path, OpenOption...)}. The op runs on {@code uring} (the directory may have
     * been opened on another runtime: an fd is the process's), and the file belongs to it.
     *
     * @throws IllegalArgumentException at assembly when {@code relativePath} is absolute
     */
    public static Mono<ReactiveFile> openBeneath(Uring uring, ReactiveFile directory, String relativePath,
            OpenOption... options) {
        Objects.requireNonNull(uring, "uring");
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(relativePath, "relativePath");
        if (relativePath.startsWith("/")) {
            throw new IllegalArgumentException("the path must be relative to the directory, got " + relativePath);
        }
        int flags = OpenOptions.toFlags(options);
        // openat2 refuses a mode without O_CREAT or O_TMPFILE (EINVAL)
        boolean creates = (flags & dev.uring.core.OpenFlags.O_CREAT) != 0
                || (flags & dev.uring.core.OpenFlags.O_TMPFILE) == dev.uring.core.OpenFlags.O_TMPFILE;
        int mode = creates ? 0666 : 0;
        FileHandle dir = directory.file;
        Path path = directory.path.resolve(relativePath);
        // the op takes a reference on the directory (a closed one fails the subscription)
        OpRuntime rt = Runtimes.of(uring);
        return new MonoUringOp<>(rt, null,
                () -> new OpenOp(dir, relativePath.isEmpty() ? "." : relativePath, flags, mode, OpenHow.RESOLVE_BENEATH), 0)
                .map(h -> opened(rt, h, path));
    }

    /** The path this file was opened with. */
    public Path path() {
        return path;
    }

    /** Whether {@link #close()} has not been called. */
    public boolean isOpen() {
        return file.isOpen();
    }

    /**
     * A view of this file whose ops each carry a kernel LINK_TIMEOUT of {@code timeout}: an op
     * that has not completed by then is cancelled and fails with
     * {@link java.util.concurrent.TimeoutException}. The view shares the fd; closing either closes both.
     */
    public ReactiveFile withTimeout(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, got " + timeout);
        }
        return new ReactiveFile(uring, file, slot, path, timeout.toNanos());
    }

    private <T> Mono<T> op(java.util.function.Supplier<? extends UringOperation<T>> factory) {
        return new MonoUringOp<>(uring, null, factory, timeoutNanos);
    }

    private static void checkPosition(long position) {
        if (position < 0) {
            throw new IllegalArgumentException("position must not be negative, got " + position);
        }
    }

    /**
     * Reads up to {@code length} bytes at {@code position} into a new buffer (position 0, limit
     * the bytes read); completes empty at or past the end of the file. One READ: a short result
     * means the end of the file was reached.
     *
     * @throws IllegalArgumentException when {@code position} is negative or {@code length} not positive
     */
    public Mono<ByteBuffer> read(long position, int length) {
        checkPosition(position);
        if (length <= 0) {
            throw new IllegalArgumentException("length must be positive, got " + length);
        }
        slot.used(file);
        return new MonoNewRead(this, position, length);
    }

    /**
     * Reads {@code length} bytes at each of {@code positions}, as one stream: the chunks come in
     * the order of {@code positions} (as {@code flatMapSequential} would give them), each carrying its
     * position; {@link #readAsCompleted} gives them as the reads complete. Use it instead of one
     * {@link #read(long, int)} Mono per read for many reads of one file: one subscription for the
     * whole stream on one loop, the reads of one loop pass submitted in one io_uring_enter, and no
     * allocation per read once running (the chunks' buffers are the stream's, reused).
     *
     * <p>Up to {@code concurrency} reads are in flight, and no more are read than the subscriber
     * requested. Each {@link FileChunk} must be {@link FileChunk#release() released} once its bytes
     * are used: the stream has {@code 2 x concurrency} buffers, and waits for a released one (in
     * position order, for the buffer of the oldest chunk still out). A read at or past the end of the
     * file gives a chunk without bytes, one across it the bytes up to it. Cancel cancels the reads in
     * flight in the kernel; the buffers are freed once their final completions arrived and every
     * delivered chunk was released. A failed read (its errno as the {@code java.nio.file} exception)
     * or a failed {@code positions} ends the stream with that error. The reads carry no timeout,
     * {@link #withTimeout} or not. A {@code positions} that emits synchronously ({@code range},
     * {@code fromIterable}, a {@code map} of them) is pulled on the loop, one position per read: its
     * functions run there, so keep them short and never blocking.
     *
     * @throws IllegalArgumentException when {@code length} or {@code concurrency} is not positive
     */
    public Flux<FileChunk> read(Publisher<Long> positions, int length, int concurrency) {
        return reads(positions, length, concurrency, true);
    }

    /**
     * {@link #read(Publisher, int, int)} with the chunks in the order their reads complete: the
     * first bytes sooner when reads take unequal times, and no chunk waits for an older one.
     */
    public Flux<FileChunk> readAsCompleted(Publisher<Long> positions, int length, int concurrency) {
        return reads(positions, length, concurrency, false);
    }

    private Flux<FileChunk> reads(Publisher<Long> positions, int length, int concurrency, boolean ordered) {
        Objects.requireNonNull(positions, "positions");
        if (length <= 0) {
            throw new IllegalArgumentException("length must be positive, got " + length);
        }
        if (concurrency <= 0) {
            throw new IllegalArgumentException("concurrency must be positive, got " + concurrency);
        }
        // a stream is many reads: the file is worth a slot from the start (the install is asynchronous,
        // each loop pass asks again whether it is there)
        slot.used(file);
        slot.used(file);
        return new FluxFileReads(this, positions, length, concurrency, ordered);
    }

    /**
     * Reads into {@code dst}'s remaining space at {@code position}; yields the bytes read and
     * moves {@code dst}'s position past them, or -1 at or past the end of the file (0 when
     * {@code dst} has no room). A direct buffer is read into in place: do not touch it until the
     * Mono terminates, even after cancelling, as the kernel may still write it.
     *
     * @throws IllegalArgumentException when {@code dst} is read-only or {@code position} negative
     */
    public Mono<Integer> read(ByteBuffer dst, long position) {
        Objects.requireNonNull(dst, "dst");
        checkPosition(position);
        if (dst.isReadOnly()) {
            throw new IllegalArgumentException("dst is a read-only buffer");
        }
        if (!dst.hasRemaining()) {
            return nothingToDo();
        }
        slot.used(file);
        if (dst.isDirect()) {
            return new MonoDirectRead(this, dst, position);
        }
        return op(() -> ReadOp.into(file, slot, dst, position));
    }

    /**
     * Writes all of {@code src}'s remaining bytes at {@code position}, submitting again after a
     * short write; yields the bytes written and moves {@code src}'s position past them.
     *
     * @throws IllegalArgumentException when {@code position} is negative
     */
    public Mono<Integer> write(ByteBuffer src, long position) {
        Objects.requireNonNull(src, "src");
        checkPosition(position);
        if (!src.hasRemaining()) {
            return nothingToDo();
        }
        slot.used(file);
        return op(() -> new WriteOp(file, slot, src, position));
    }

    /**
     * Writes every buffer of {@code data} one after the other from {@code position}; yields the
     * total bytes written. At most one write is in flight, and {@code data} is requested as
     * writes complete.
     */
    public Mono<Long> write(Publisher<ByteBuffer> data, long position) {
        Objects.requireNonNull(data, "data");
        checkPosition(position);
        return Mono.defer(() -> {
            long[] next = {position};
            return CheckedSource.of(data)
                    .concatMap(b -> {
                        long at = next[0];
                        next[0] += b.remaining();
                        return write(b, at);
                    }, 1)
                    .reduce(0L, (sum, n) -> sum + n);
        });
    }

    private Mono<Integer> nothingToDo() {
        return Mono.defer(() -> file.isOpen() ? Mono.just(0) : Mono.error(new FileClosedException(file.path())));
    }

    /** {@link #readAll(int, int)} in {@link #DEFAULT_CHUNK} chunks, {@link #DEFAULT_DEPTH} deep. */
    public Flux<ByteBuffer> readAll() {
        return readAll(DEFAULT_CHUNK, DEFAULT_DEPTH);
    }

    /**
     * Reads the file from the start to its end as buffers of {@code chunkSize} bytes (the last may
     * be shorter), in order. Up to {@code depth} reads run ahead, and no more chunks than
     * {@code depth} are read beyond what the subscriber consumed: demand drives the reading.
     *
     * @throws IllegalArgumentException when {@code chunkSize} or {@code depth} is not positive
     */
    public Flux<ByteBuffer> readAll(int chunkSize, int depth) {
        if (chunkSize <= 0) {
            throw new IllegalArgumentException("chunkSize must be positive, got " + chunkSize);
        }
        if (depth <= 0) {
            throw new IllegalArgumentException("depth must be positive, got " + depth);
        }
        ByteBuffer eof = ByteBuffer.allocate(0);
        return Flux.<Long, Long>generate(() -> 0L, (pos, sink) -> {
                    sink.next(pos);
                    return pos + chunkSize;
                })
                .flatMapSequential(pos -> read(pos, chunkSize).defaultIfEmpty(eof), depth, 1)
                .takeUntil(b -> b.remaining() < chunkSize)
                .filter(ByteBuffer::hasRemaining);
    }

    /** Flushes data and metadata to the device (FSYNC). */
    public Mono<Void> fsync() {
        slot.used(file);
        return op(() -> new FdOp(file, slot, FdOp.Kind.FSYNC, 0));
    }

    /** Flushes data, and only the metadata needed to read it back (FSYNC with DATASYNC). */
    public Mono<Void> fdatasync() {
        slot.used(file);
        return op(() -> new FdOp(file, slot, FdOp.Kind.FDATASYNC, 0));
    }

    /** What STATX reports of this open file (of its fd, so of the very file opened, wherever its path now points). */
    public Mono<Statx> stat() {
        return op(() -> new StatxOp(file));
    }

    /** The file's size in bytes, from STATX. */
    public Mono<Long> size() {
        return stat().map(Statx::size);
    }

    /**
     * Sets the file's size to {@code size} bytes (FTRUNCATE): shrinks it, or grows it sparsely.
     *
     * @throws IllegalArgumentException when {@code size} is negative
     */
    public Mono<Void> truncate(long size) {
        if (size < 0) {
            throw new IllegalArgumentException("size must not be negative, got " + size);
        }
        if (!KernelFeature.FTRUNCATE.isAvailable()) {
            // before 6.9: ftruncate(2), which may block on the file system, off the loop threads
            return Mono.defer(() -> SyscallFallback.offLoop(uring.loop(), Opcode.FTRUNCATE, file,
                    fd -> FileCalls.ftruncate(fd, size)));
        }
        slot.used(file);
        return op(() -> new FdOp(file, slot, FdOp.Kind.FTRUNCATE, size));
    }

    /**
     * Closes the file: new ops fail at once, and the CLOSE goes to the kernel when the ops in
     * flight are done; completes after it. Closing again completes at once.
     */
    public Mono<Void> close() {
        return Mono.defer(() -> Mono.<Void>create(sink -> {
            // the slot is cleared on every ring before the fd goes, so no ring names a closed file
            boolean first = file.close(() -> slot.clearThen(() -> new MonoUringOp<>(uring, uring.closingLoop(),
                    () -> new CloseOp(file.fd(), file.path()), 0).subscribe(null, sink::error, sink::success)));
            if (first) {
                uring.resources().untrack(file);
            } else {
                sink.success();
            }
        }));
    }

    @Override
    public String toString() {
        return "ReactiveFile[" + path + (isOpen() ? "" : ", closed") + "]";
    }
}
