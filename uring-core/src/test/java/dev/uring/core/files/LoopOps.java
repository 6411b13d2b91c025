package dev.uring.core.files;

import dev.uring.core.AtFlags;
import dev.uring.core.FileIndex;
import dev.uring.core.OpenFlags;
import dev.uring.core.Sqe;
import dev.uring.core.SqeFlags;
import dev.uring.core.loop.EventLoop;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/** Test support: one SQE on a loop's thread, its result as a future. */
final class LoopOps {
    private LoopOps() {
    }

    /** Prepares one SQE with {@code prep} on {@code loop}'s thread; completes with the CQE's res. */
    static CompletableFuture<Integer> submit(EventLoop loop, Consumer<Sqe> prep) {
        CompletableFuture<Integer> f = new CompletableFuture<>();
        loop.execute(() -> {
            try {
                Sqe sqe = loop.nextSqe();
                prep.accept(sqe);
                sqe.userData(loop.register((res, flags) -> f.complete(res)));
            } catch (Throwable t) {
                f.completeExceptionally(t);
            }
        });
        return f;
    }

    static int await(CompletableFuture<Integer> f) throws Exception {
        return f.get(10, TimeUnit.SECONDS);
    }

    /** Reads up to {@code buf}'s size from offset 0 of fixed slot {@code slot} on {@code loop}'s ring. */
    static int readFixed(EventLoop loop, int slot, MemorySegment buf) throws Exception {
        return await(submit(loop, s -> s.prepRead(slot, buf, 0).addFlags(SqeFlags.FIXED_FILE)));
    }

    /** Reads slot {@code slot} on {@code loop} and returns the text, or throws naming the errno. */
    static String readText(EventLoop loop, int slot, int len) throws Exception {
        try (Arena a = Arena.ofShared()) {
            MemorySegment buf = a.allocate(len);
            int n = readFixed(loop, slot, buf);
            if (n < 0) {
                throw new IOException("read of slot " + slot + " on " + loop + " failed: " + n);
            }
            return new String(buf.asSlice(0, n).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE),
                    StandardCharsets.US_ASCII);
        }
    }

    /** OPENAT with IORING_FILE_INDEX_ALLOC on {@code loop}: the kernel-chosen slot, or -errno. */
    static int openAlloc(EventLoop loop, Path path) throws Exception {
        try (Arena a = Arena.ofShared()) {
            MemorySegment p = a.allocateFrom(path.toString());
            return await(submit(loop, s -> s.prepOpenatDirect(AtFlags.FDCWD, p, OpenFlags.O_RDONLY, 0, FileIndex.ALLOC)));
        }
    }

    static Path fileWith(Path dir, String name, String content) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, content, StandardCharsets.US_ASCII);
        return p;
    }

    /** The number of open fds of this process. */
    static long fdCount() throws IOException {
        try (var s = Files.list(Path.of("/proc/self/fd"))) {
            return s.count();
        }
    }

    /** Polls {@code condition} for up to 10 s. */
    static boolean eventually(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(2);
        }
        return true;
    }
}
