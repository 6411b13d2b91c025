package dev.uring.benchmarks;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.SplittableRandom;

/**
 * The 1 GiB data file that the read benchmarks share with fio: fully written (no holes, so every
 * read touches real pages), created once under the directory named by the system property
 * {@value #DIR_PROPERTY} (default {@code ./target/bench-data}).
 *
 * <p>{@code main} creates and warms it for {@code run-core.sh}; the benchmarks call
 * {@link #ensure()} and {@link #warm(Path)} in their setup.
 */
public final class BenchFile {
    /** System property naming the directory of the data file. */
    public static final String DIR_PROPERTY = "uring.bench.dir";
    /** Size of the data file: 1 GiB. */
    public static final long SIZE = 1L << 30;
    /** Size of one read and the alignment of every offset: 4 KiB. */
    public static final int BLOCK = 4096;
    /**
     * How many random offsets a read benchmark draws before it cycles: 1 Mi offsets (8 MiB of longs)
     * spread over all 262,144 blocks of the file, so the reads touch the whole file like fio's
     * ({@code norandommap}) instead of the first 64 Ki offsets' 226 MiB of earlier runs. A power of two.
     */
    public static final int OFFSETS = 1 << 20;
    private static final String NAME = "randread-1g.dat";
    private static final int CHUNK = 1 << 20;

    private BenchFile() {
    }

    /** The data file's path, under {@value #DIR_PROPERTY}. */
    public static Path path() {
        return Path.of(System.getProperty(DIR_PROPERTY, "target/bench-data")).resolve(NAME).toAbsolutePath();
    }

    /** Creates the data file when it is missing or has the wrong size, and returns its path. */
    public static Path ensure() throws IOException {
        Path file = path();
        if (Files.isRegularFile(file) && Files.size(file) == SIZE) {
            return file;
        }
        Files.createDirectories(file.getParent());
        Path tmp = file.resolveSibling(NAME + ".tmp");
        // pseudo-random bytes, written in full: a sparse file would read holes, not the page cache
        SplittableRandom random = new SplittableRandom(42);
        ByteBuffer chunk = ByteBuffer.allocateDirect(CHUNK);
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            for (long written = 0; written < SIZE; written += CHUNK) {
                chunk.clear();
                while (chunk.hasRemaining()) {
                    chunk.putLong(random.nextLong());
                }
                chunk.flip();
                while (chunk.hasRemaining()) {
                    ch.write(chunk);
                }
            }
            ch.force(true);
        }
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        return file;
    }

    /** Reads the whole file once so that the hot-cache benchmarks find it in the page cache. */
    public static void warm(Path file) throws IOException {
        ByteBuffer chunk = ByteBuffer.allocateDirect(CHUNK);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long pos = 0;
            int n;
            while ((n = ch.read(chunk.clear(), pos)) > 0) {
                pos += n;
            }
        }
    }

    /**
     * {@code count} random 4 KiB-aligned offsets inside the file, fixed by {@code seed}: computed
     * once so that the measured loops allocate and draw nothing.
     */
    public static long[] randomOffsets(int count, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        long blocks = SIZE / BLOCK;
        long[] offsets = new long[count];
        for (int i = 0; i < count; i++) {
            offsets[i] = random.nextLong(blocks) * BLOCK;
        }
        return offsets;
    }

    /** Creates (when needed) and warms the data file, then prints its path; used by {@code run-core.sh}. */
    public static void main(String[] args) throws IOException {
        Path file = ensure();
        warm(file);
        System.out.println(file);
    }
}
