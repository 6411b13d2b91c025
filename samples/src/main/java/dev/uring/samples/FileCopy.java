package dev.uring.samples;

import dev.uring.reactor.Uring;
import dev.uring.reactor.file.ReactiveFile;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import reactor.core.publisher.Mono;

/**
 * Copies a file through io_uring with a progress bar: reads run {@value #DEPTH} deep ahead of the
 * writes, and the bar is drawn by the main thread from a counter the loop thread bumps (a loop
 * thread never prints). {@code FileCopy src dst}; without arguments it copies a generated 256 MiB
 * demo file in the temporary directory.
 */
public final class FileCopy {
    static final int CHUNK = 256 * 1024;
    static final int DEPTH = 8;

    private FileCopy() {
    }

    /** Copies {@code source} to {@code target} (replaced), counting into {@code progress} the bytes handed to the writes (at most one chunk ahead of the disk). */
    static Mono<Long> copy(Uring uring, Path source, Path target, AtomicLong progress) {
        return Mono.usingWhen(ReactiveFile.open(uring, source),
                src -> Mono.usingWhen(ReactiveFile.open(uring, target, StandardOpenOption.CREATE,
                                StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE),
                        dst -> dst.write(src.readAll(CHUNK, DEPTH)
                                .doOnNext(b -> progress.addAndGet(b.remaining())), 0),
                        ReactiveFile::close),
                ReactiveFile::close);
    }

    /** Runs the copy; prints a bar, the throughput, and whether the copy matches. */
    public static void main(String[] args) throws Exception {
        Path source;
        Path target;
        if (args.length == 2) {
            source = Path.of(args[0]);
            target = Path.of(args[1]);
        } else if (args.length == 0) {
            Path dir = Files.createDirectories(Path.of(System.getProperty("java.io.tmpdir"), "reactive-uring-demo"));
            source = demoFile(dir.resolve("copy-source.bin"), 256L << 20);
            target = dir.resolve("copy-target.bin");
        } else {
            System.err.println("usage: FileCopy [source target]");
            System.exit(2);
            return;
        }
        long size = Files.size(source);
        AtomicLong progress = new AtomicLong();
        long start = System.nanoTime();
        try (Uring uring = Uring.create(1)) {
            CompletableFuture<Long> done = copy(uring, source, target, progress).toFuture();
            while (true) {
                bar(progress.get(), size);
                try {
                    done.get(100, TimeUnit.MILLISECONDS);
                    break;
                } catch (TimeoutException stillCopying) {
                    // draw again
                }
            }
            long copied = done.get();
            bar(copied, size);
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf("%ncopied %,d bytes %s -> %s in %.2f s (%.0f MiB/s); identical: %s%n", copied,
                    source, target, seconds, copied / seconds / (1 << 20), Files.mismatch(source, target) == -1);
        }
    }

    private static void bar(long done, long size) {
        int width = 40;
        int filled = size == 0 ? width : (int) (width * done / size);
        System.out.printf("\r[%s%s] %3d%% %,d / %,d bytes", "#".repeat(filled), " ".repeat(width - filled),
                size == 0 ? 100 : done * 100 / size, done, size);
        System.out.flush();
    }

    /** A file of {@code size} bytes: a 1 MiB random block repeated, unless it already has that size. */
    static Path demoFile(Path file, long size) throws IOException {
        if (Files.exists(file) && Files.size(file) == size) {
            return file;
        }
        byte[] block = new byte[1 << 20];
        new Random(1).nextBytes(block);
        try (OutputStream out = Files.newOutputStream(file)) {
            for (long left = size; left > 0; left -= block.length) {
                out.write(block, 0, (int) Math.min(left, block.length));
            }
        }
        return file;
    }
}
