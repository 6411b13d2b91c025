package dev.uring.benchmarks.policy;

import dev.uring.core.AtFlags;
import dev.uring.core.CqeConsumer;
import dev.uring.core.Opcode;
import dev.uring.core.OpenFlags;
import dev.uring.core.Ring;
import dev.uring.core.RingOptions;
import dev.uring.core.SocketAddresses;
import dev.uring.policy.ArgumentFilter;
import dev.uring.policy.PolicyCustomizer;
import dev.uring.policy.RingPolicy;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * What a ring policy costs per batch of 32 SQEs, on one ring driven by the benchmark thread.
 *
 * <ul>
 *   <li>{@code none}: no policy (the baseline).</li>
 *   <li>{@code kernel}: the kernel's restrictions allowing exactly the ops used; no Java filter runs
 *       (the target is at least 0.98x of {@code none}).</li>
 *   <li>{@code openFilter}, {@code socketFilter}: the same plus one Java argument filter, which runs on
 *       every SQE before submission even though it only constrains OPENAT / SOCKET.</li>
 *   <li>{@code bothFilters}: both filters.</li>
 * </ul>
 *
 * {@code nopBatch32}: 32 NOPs submitted and reaped per invocation. {@code read4kDepth32}: 32 reads of
 * 4 KiB at consecutive offsets of a hot 64 MiB file, all in flight at once.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class PolicyOverheadBenchmark {
    private static final int DEPTH = 32;
    private static final int BLOCK = 4096;
    private static final long FILE_SIZE = 64L << 20;

    /** Which policy the ring carries. */
    @Param({"none", "kernel", "openFilter", "socketFilter", "bothFilters"})
    public String policy;

    private Ring ring;
    private Arena arena;
    private Path file;
    private int fd;
    private MemorySegment[] buffers;
    private long offset;
    private final Reaper reaper = new Reaper();

    /** Counts CQEs and fails on an error result (a denial here would be a benchmark bug). */
    private static final class Reaper implements CqeConsumer {
        int seen;
        long bytes;

        @Override
        public void accept(long userData, int res, int flags) {
            if (res < 0) {
                throw new IllegalStateException("CQE " + userData + " failed with " + res);
            }
            seen++;
            bytes += res;
        }
    }

    static RingPolicy policy(String name) {
        RingPolicy.Builder b = RingPolicy.builder("bench-" + name)
                .allow(Opcode.NOP, Opcode.READ, Opcode.OPENAT, Opcode.CLOSE, Opcode.SOCKET, Opcode.ASYNC_CANCEL);
        ArgumentFilter open = new ArgumentFilter.Open(false, false, null, false);
        ArgumentFilter socket = new ArgumentFilter.Socket(Set.of(SocketAddresses.AF_INET, SocketAddresses.AF_INET6),
                Set.of(1, 2), Set.of());
        switch (name) {
            case "kernel" -> { }
            case "openFilter" -> b.filter(open);
            case "socketFilter" -> b.filter(socket);
            case "bothFilters" -> b.filter(open).filter(socket);
            default -> throw new IllegalArgumentException("unknown policy variant " + name);
        }
        return b.build();
    }

    /** Opens the ring with the chosen policy and a hot 64 MiB file. */
    @Setup(Level.Trial)
    public void setUp() throws IOException {
        RingOptions options = RingOptions.defaults().entries(2 * DEPTH).setupHooks(false);
        if (!policy.equals("none")) {
            options = options.customizer(PolicyCustomizer.of(policy(policy)));
        }
        ring = Ring.open(options);
        arena = Arena.ofShared();
        file = Files.createTempFile("policy-bench", ".dat");
        byte[] chunk = new byte[1 << 20];
        java.util.Arrays.fill(chunk, (byte) 'x');
        try (OutputStream out = Files.newOutputStream(file)) {
            for (long w = 0; w < FILE_SIZE; w += chunk.length) {
                out.write(chunk);
            }
        }
        fd = oneShot(s -> s.prepOpenat(AtFlags.FDCWD, arena.allocateFrom(file.toString()), OpenFlags.O_RDONLY, 0));
        buffers = new MemorySegment[DEPTH];
        for (int i = 0; i < DEPTH; i++) {
            buffers[i] = arena.allocate(BLOCK, BLOCK);
        }
        for (long o = 0; o < FILE_SIZE; o += (long) BLOCK * DEPTH) {
            readBatch(); // one pass so that every page is in the page cache
        }
    }

    /** Closes the file, the ring and the buffers, and deletes the file. */
    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        try {
            oneShot(s -> s.prepClose(fd));
        } finally {
            ring.close();
            arena.close();
            Files.deleteIfExists(file);
        }
    }

    /** 32 NOPs: one submit-and-wait round trip. */
    @Benchmark
    public int nopBatch32() throws IOException {
        Ring r = ring;
        for (int i = 0; i < DEPTH; i++) {
            r.nextSqe().prepNop().userData(i);
        }
        return drain(r.submitAndWait(DEPTH));
    }

    /** 32 reads of 4 KiB of a hot file, all in flight: one submit-and-wait round trip. */
    @Benchmark
    public int read4kDepth32() throws IOException {
        return readBatch();
    }

    private int readBatch() throws IOException {
        Ring r = ring;
        long o = offset;
        for (int i = 0; i < DEPTH; i++) {
            r.nextSqe().prepRead(fd, buffers[i], o).userData(i);
            o += BLOCK;
        }
        offset = o >= FILE_SIZE ? 0 : o;
        return drain(r.submitAndWait(DEPTH));
    }

    private int drain(int submitted) throws IOException {
        Reaper c = reaper;
        c.seen = 0;
        while (c.seen < submitted) {
            if (ring.reapCqes(c) == 0) {
                ring.submitAndWait(1);
            }
        }
        return c.seen;
    }

    private int oneShot(java.util.function.Consumer<dev.uring.core.Sqe> prep) throws IOException {
        dev.uring.core.Sqe sqe = ring.nextSqe();
        prep.accept(sqe);
        sqe.userData(-1);
        ring.submitAndWait(1);
        int[] res = {0};
        int got = 0;
        while (got == 0) {
            got = ring.reapCqes((ud, r, f) -> res[0] = r);
            if (got == 0) {
                ring.submitAndWait(1);
            }
        }
        if (res[0] < 0) {
            throw new IOException("setup op failed with errno " + -res[0]);
        }
        return res[0];
    }
}
