package dev.uring.samples;

import dev.uring.core.AtFlags;
import dev.uring.core.Errors;
import dev.uring.core.IoUring;
import dev.uring.core.OpenFlags;
import dev.uring.core.Probe;
import dev.uring.core.loop.EventLoop;
import dev.uring.core.loop.EventLoopGroup;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;

/**
 * A first look at reactive-uring's core: what io_uring this kernel offers, then a file written and
 * read back through an event loop's ring. Run with no arguments; an optional argument names the
 * file to read instead of the embedded demo file.
 */
public final class RingTour {
    private RingTour() {
    }

    /** Entry point. */
    public static void main(String[] args) throws Exception {
        if (!IoUring.isAvailable()) {
            System.err.println("io_uring is not usable here: " + IoUring.unavailabilityCause());
            System.exit(1);
        }
        Probe probe = IoUring.probe();
        System.out.println("io_uring is available: " + probe.supportedOps().size() + " ops, last op " + probe.lastOp()
                + ", features 0x" + Integer.toHexString(probe.features()));
        IoUring.query().ifPresent(q -> System.out.println("kernel query: " + q));

        Path file = args.length > 0 ? Path.of(args[0]) : demoFile();
        try (EventLoopGroup group = EventLoopGroup.create(2)) {
            EventLoop loop = group.next();
            long size = Files.size(file);
            long read = readThroughRing(loop, file, size).get();
            System.out.println("read " + read + " of " + size + " bytes of " + file + " through " + loop);
        }
    }

    private static Path demoFile() throws IOException {
        Path f = Files.createTempFile("reactive-uring-tour", ".txt");
        f.toFile().deleteOnExit();
        Files.writeString(f, "Hello from io_uring, through Panama FFM and no JNI.\n".repeat(1000));
        return f;
    }

    /** Opens, reads in 16 KiB chunks and closes a file, all as io_uring ops on the loop thread. */
    private static CompletableFuture<Long> readThroughRing(EventLoop loop, Path file, long size) {
        CompletableFuture<Long> done = new CompletableFuture<>();
        loop.execute(() -> {
            Arena arena = Arena.ofConfined();
            MemorySegment path = arena.allocateFrom(file.toString());
            MemorySegment buf = arena.allocate(16 * 1024);
            loop.nextSqe().prepOpenat(AtFlags.FDCWD, path, OpenFlags.O_RDONLY | OpenFlags.O_CLOEXEC, 0)
                    .userData(loop.register((fd, flags) -> {
                        if (fd < 0) {
                            arena.close();
                            done.completeExceptionally(Errors.toException(fd, "OPENAT", file.toString()));
                            return;
                        }
                        new Object() {
                            long total;

                            void next() {
                                loop.nextSqe().prepRead(fd, buf, total).userData(loop.register((n, f) -> {
                                    if (n > 0) {
                                        total += n;
                                        next();
                                    } else {
                                        loop.nextSqe().prepClose(fd).userData(loop.register((r, f2) -> {
                                            arena.close();
                                            if (n < 0) {
                                                done.completeExceptionally(Errors.toException(n, "READ", file.toString()));
                                            } else {
                                                done.complete(total);
                                            }
                                        }));
                                    }
                                }));
                            }
                        }.next();
                    }));
        });
        return done;
    }
}
