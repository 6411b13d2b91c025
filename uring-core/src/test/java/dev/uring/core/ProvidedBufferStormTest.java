package dev.uring.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uring.core.buffers.ProvidedBufferRing;
import dev.uring.core.ffi.Errno;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Provided buffers under a storm of reads that pick their buffer (BUFFER_SELECT) from a FIFO, some
 * cancelled, the rest cut off at the end of each round: no buffer is lost (every one is back with
 * the kernel afterwards, proved by taking them all again and one more failing with ENOBUFS), no
 * cancelled read holds one, and the bytes read add up to the bytes written.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class ProvidedBufferStormTest {
    private static final int GROUP = 7;
    private static final int BUFFERS = 64;
    private static final int SIZE = 256;

    @TempDir
    Path dir;

    /** Submits and reaps into {@code handler} until {@code done} or {@code nanos} passed; whether done. */
    private static boolean pumpFor(Ring ring, CqeConsumer handler, java.util.function.BooleanSupplier done, long nanos)
            throws Exception {
        long deadline = System.nanoTime() + nanos;
        ring.submit();
        ring.reapCqes(handler);
        while (!done.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            ring.submitAndWait(1, TimeUnit.MILLISECONDS.toNanos(100));
            ring.reapCqes(handler);
        }
        return true;
    }

    @Test
    void buffersComeBackThroughCancelsAndCutOffReads() throws Exception {
        int rounds = Invariants.scale(300, 30_000);
        Invariants.Baseline before = Invariants.baseline();
        SplittableRandom rnd = new SplittableRandom(0xB0F);
        long reads = 0;
        long cancelled = 0;
        long written = 0;
        long read = 0;
        long sumWritten = 0;
        long sumRead = 0;
        long cancelledHoldingBuffer = 0;
        long backlogMax = 0;
        try (Ring ring = TestRing.open(256); Arena arena = Arena.ofShared()) {
            TestRing.Pipe pipe = TestRing.pipe(ring, arena, dir, "fifo");
            MemorySegment chunk = arena.allocate(4 * SIZE);
            try (ProvidedBufferRing pbr = ProvidedBufferRing.register(ring, GROUP, BUFFERS, SIZE);
                    FileChannel writer = FileChannel.open(dir.resolve("fifo"), StandardOpenOption.WRITE)) {
                for (int round = 0; round < rounds; round++) {
                    int n = 1 + rnd.nextInt(32);
                    // per round: reads done, bytes read, byte sum, cancelled, cancelled holding a buffer
                    long[] f = new long[5];
                    CqeConsumer handler = (ud, res, flags) -> {
                        if (ud < 1000) {
                            return; // cancels
                        }
                        f[0]++;
                        int bid = CqeFlags.bufferId(flags);
                        if (res > 0) {
                            assertThat(bid).as("a read with data names its buffer").isNotNegative();
                            MemorySegment data = pbr.take(bid, res);
                            for (int b = 0; b < res; b++) {
                                f[2] += data.get(ValueLayout.JAVA_BYTE, b) & 0xff;
                            }
                            f[1] += res;
                            pbr.recycle(bid);
                        } else {
                            // a read blocked in an io-wq worker is cut off by a signal: -EINTR on kernels
                            // where FIFO reads are not poll-driven (6.1), -ECANCELED on later ones
                            assertThat(res).as("a read without data was cancelled").isIn(-Errno.ECANCELED, -Errno.EINTR);
                            f[3]++;
                            if (bid >= 0) {
                                f[4]++;
                                pbr.take(bid, 0);
                                pbr.recycle(bid);
                            }
                        }
                    };
                    for (int i = 0; i < n; i++) {
                        ring.nextSqe().prepReadSelect(pipe.readFd(), SIZE, -1, GROUP).userData(1000 + i);
                        if (rnd.nextInt(4) == 0) {
                            ring.nextSqe().prepCancel(1000 + i, 0).userData(1);
                        }
                    }
                    ring.submit();
                    // the bytes reads have not taken yet stay in the FIFO: no new ones past half its 64 KiB,
                    // so a write never waits for room
                    long backlog = written - read;
                    backlogMax = Math.max(backlogMax, backlog);
                    int chunks = backlog > 32 * 1024 ? 0 : rnd.nextInt(4);
                    for (int c = 0; c < chunks; c++) {
                        int len = 1 + rnd.nextInt((int) chunk.byteSize());
                        for (int b = 0; b < len; b++) {
                            byte v = (byte) rnd.nextInt(256);
                            chunk.set(ValueLayout.JAVA_BYTE, b, v);
                            sumWritten += v & 0xff;
                        }
                        // a plain write(2), not a ring WRITE: on 6.1 a FIFO write is io-wq work, and in a
                        // guest one such WRITE did not run within 10 s while the reads it fed were waiting
                        ByteBuffer out = chunk.asSlice(0, len).asByteBuffer();
                        while (out.hasRemaining()) {
                            writer.write(out);
                        }
                        written += len;
                    }
                    // cut off whatever still waits, again each second while reads remain: in a 6.1
                    // guest one round's reads never ended after one cut-off (a read on its way to an
                    // io-wq worker as the cancel ran); each read still ends exactly once
                    boolean cut = false;
                    for (int attempt = 0; attempt < 10 && !cut; attempt++) {
                        ring.nextSqe().prepCancelFd(pipe.readFd(), CancelFlags.ALL).userData(3);
                        cut = pumpFor(ring, handler, () -> f[0] == n, TimeUnit.SECONDS.toNanos(1));
                    }
                    assertThat(cut).as("round %d reads cut off within 10 cut-offs", round).isTrue();
                    reads += f[0];
                    read += f[1];
                    sumRead += f[2];
                    cancelled += f[3];
                    cancelledHoldingBuffer += f[4];
                }
                // drain what cancelled reads left in the FIFO
                MemorySegment drain = arena.allocate(4096);
                while (read < written) {
                    int want = (int) Math.min(drain.byteSize(), written - read);
                    ring.nextSqe().prepRead(pipe.readFd(), drain.asSlice(0, want), -1).userData(4);
                    int r = TestRing.one(ring).res();
                    assertThat(r).isPositive();
                    for (int b = 0; b < r; b++) {
                        sumRead += drain.get(ValueLayout.JAVA_BYTE, b) & 0xff;
                    }
                    read += r;
                }
                // every buffer is with the kernel again: BUFFERS reads get one each, one more gets ENOBUFS
                int zero = TestRing.openat(ring, arena, "/dev/zero", OpenFlags.O_RDONLY, 0);
                for (int i = 0; i <= BUFFERS; i++) {
                    ring.nextSqe().prepReadSelect(zero, SIZE, -1, GROUP).userData(5000 + i);
                }
                List<TestRing.Cqe> all = TestRing.await(ring, BUFFERS + 1);
                Set<Integer> bids = new HashSet<>();
                int enobufs = 0;
                for (TestRing.Cqe c : all) {
                    if (c.res() == -Errno.ENOBUFS) {
                        enobufs++;
                    } else {
                        assertThat(c.res()).isEqualTo(SIZE);
                        bids.add(CqeFlags.bufferId(c.flags()));
                    }
                }
                assertThat(bids).as("distinct buffers the kernel still had").hasSize(BUFFERS);
                assertThat(enobufs).as("reads beyond the buffers").isEqualTo(1);
                for (int bid : bids) {
                    pbr.take(bid, SIZE);
                    pbr.recycle(bid);
                }
                TestRing.close(ring, zero);
            }
            TestRing.close(ring, pipe.readFd());
            TestRing.close(ring, pipe.writeFd());
        }
        Invariants.assertBackTo(before);
        Invariants.report("provided-buffer-storm", "rounds", rounds, "reads", reads, "cancelled", cancelled,
                "bytes", written, "bytes_lost", written - read, "checksum_mismatch", sumWritten - sumRead,
                "cancelled_holding_buffer", cancelledHoldingBuffer,
                "fifo_backlog_max", backlogMax, "buffers_lost", 0);
        assertThat(sumRead).as("byte sum read vs written").isEqualTo(sumWritten);
    }
}
