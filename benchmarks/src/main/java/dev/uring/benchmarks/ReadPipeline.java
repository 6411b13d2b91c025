package dev.uring.benchmarks;

import dev.uring.core.AtFlags;
import dev.uring.core.CqeConsumer;
import dev.uring.core.OpenFlags;
import dev.uring.core.Ring;
import dev.uring.core.RingOptions;
import dev.uring.core.SetupFlags;
import dev.uring.core.SqeFlags;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;

/**
 * A ring that keeps {@code depth} 4 KiB READs of one file in flight: each CQE's slot (its user_data)
 * is refilled at once with the next precomputed random offset, and the refills go to the kernel as
 * fio's io_uring engine sends them at iodepth 32 (strace): an {@code io_uring_enter} that submits
 * without GETEVENTS, then, when no CQE is ready, one that sleeps for a completion. Submitting in the
 * enter that waits instead ran O_DIRECT reads slower, in C ({@code benchmarks/c/randread.c}) as in
 * Java: the completions' task work then runs right after each submit (strace shows the refills
 * going out one by one more often).
 * The ring is set up like fio 3.33's: {@code depth} SQ and CQ entries and
 * {@code SINGLE_ISSUER|DEFER_TASKRUN|COOP_TASKRUN} (the system property {@value #FLAGS_PROPERTY}
 * overrides the flags), so the thread that creates the pipeline is the only one that may submit to
 * it. Unregistered (the default), it uses plain READ with an unregistered fd and unregistered
 * buffers, like fio's job without {@code registerfiles}/{@code fixedbufs}; registered, the fd goes into
 * slot 0 of the ring's fixed-file table and every buffer is a registered buffer (READ_FIXED with
 * IOSQE_FIXED_FILE), the peer of fio's {@code registerfiles=1 fixedbufs=1}.
 *
 * <p>Two ways to wait: {@link #run} sleeps in the kernel until a CQE arrives; {@link #runBusyPoll}
 * never sleeps (submit with GETEVENTS and a wait count of 0, reap, repeat), which is what strace shows
 * fio 3.33 doing with this ring setup ({@code io_uring_enter(fd, 1, 0, GETEVENTS)}).
 *
 * <p>Owns the ring, the file descriptor (opened and closed through the ring) and the buffers (one
 * confined {@link Arena}, 4096-aligned so that O_DIRECT accepts them); {@link #close()} releases all
 * three after draining what is in flight. Used by one thread, the one that created it.
 */
final class ReadPipeline implements CqeConsumer, AutoCloseable {
    private static final int OFFSETS = BenchFile.OFFSETS;
    /** System property with other setup flags for the ring, as an int. */
    static final String FLAGS_PROPERTY = "uring.bench.readFlags";
    /** The setup flags fio 3.33's io_uring engine asks for (seen with strace). */
    private static final int FLAGS = SetupFlags.SINGLE_ISSUER | SetupFlags.DEFER_TASKRUN | SetupFlags.COOP_TASKRUN;

    private final Arena arena = Arena.ofConfined();
    private final Ring ring;
    private final MemorySegment[] buffers;
    private final long[] offsets = BenchFile.randomOffsets(OFFSETS, 7);
    private final int fd;
    private final boolean registered;
    private int next;
    private int inFlight;
    private long completed;
    private long goal;
    private int failure;

    ReadPipeline(Path file, int depth, int openFlags) throws IOException {
        this(file, depth, openFlags, false);
    }

    /** A pipeline whose fd and buffers are registered with the ring when {@code registered}. */
    ReadPipeline(Path file, int depth, int openFlags, boolean registered) throws IOException {
        this.registered = registered;
        // sized like fio's ring (strace: sq_entries=32, cq_entries=32 at iodepth 32): the SQ holds the
        // refills between two submits and the CQ every completion of the depth reads in flight
        ring = Ring.open(RingOptions.defaults().entries(depth).flags(Integer.getInteger(FLAGS_PROPERTY, FLAGS))
                .cqEntries(depth).registerRingFd(true));
        try {
            fd = openThroughRing(file, openFlags);
            MemorySegment all = arena.allocate((long) depth * BenchFile.BLOCK, BenchFile.BLOCK);
            buffers = new MemorySegment[depth];
            for (int i = 0; i < depth; i++) {
                buffers[i] = all.asSlice((long) i * BenchFile.BLOCK, BenchFile.BLOCK);
            }
            if (registered) {
                ring.registerFilesSparse(1);
                ring.updateFiles(0, fd);
                ring.registerBuffers(buffers);
            }
            for (int i = 0; i < depth; i++) {
                prep(i);
            }
            ring.submit();
        } catch (IOException | RuntimeException e) {
            ring.close();
            arena.close();
            throw e;
        }
    }

    private int openThroughRing(Path file, int openFlags) throws IOException {
        MemorySegment path = arena.allocateFrom(file.toString());
        ring.nextSqe().prepOpenat(AtFlags.FDCWD, path, OpenFlags.O_RDONLY | OpenFlags.O_CLOEXEC | openFlags, 0)
                .userData(-1);
        ring.submitAndWait(1);
        int[] res = new int[1];
        ring.reapCqes((ud, r, f) -> res[0] = r);
        if (res[0] < 0) {
            throw dev.uring.core.Errors.toException(-res[0], "openat", file.toString());
        }
        return res[0];
    }

    private void prep(int slot) {
        long offset = offsets[next];
        next = (next + 1) & (OFFSETS - 1);
        if (registered) {
            ring.nextSqe().prepReadFixed(0, buffers[slot], offset, slot).flags(SqeFlags.FIXED_FILE).userData(slot);
        } else {
            ring.nextSqe().prepRead(fd, buffers[slot], offset).userData(slot);
        }
        inFlight++;
    }

    /**
     * Runs until {@code reads} more READs than asked for so far have completed, refilling each
     * one, submitting as fio does (see the class comment). A reap can overshoot the goal by up to
     * depth - 1 CQEs; the surplus counts towards the next call, so that over many calls exactly
     * {@code reads} READs complete per call.
     *
     * @return the number of READs completed since the pipeline started
     */
    long run(long reads) throws IOException {
        goal += reads;
        Ring r = ring;
        while (completed < goal) {
            r.submitWithoutGetEvents();
            if (r.cqReady() == 0) {
                r.submitAndWait(1);
            }
            r.reapCqes(this);
            if (failure != 0) {
                throw dev.uring.core.Errors.toException(-failure, "read", "benchmark file");
            }
        }
        return completed;
    }

    /**
     * Like {@link #run}, but never sleeps: submits the refills (with DEFER_TASKRUN the submit also
     * runs the completions' task work) and reaps in a loop, burning the core as fio does.
     */
    long runBusyPoll(long reads) throws IOException {
        goal += reads;
        Ring r = ring;
        while (completed < goal) {
            r.submit();
            r.reapCqes(this);
            if (failure != 0) {
                throw dev.uring.core.Errors.toException(-failure, "read", "benchmark file");
            }
        }
        return completed;
    }

    @Override
    public void accept(long userData, int res, int flags) {
        inFlight--;
        if (res != BenchFile.BLOCK) {
            failure = res < 0 ? res : -5; // a short read of a 1 GiB file is an EIO-grade surprise
            return;
        }
        completed++;
        prep((int) userData);
    }

    /** Drains the READs in flight, closes the file through the ring, then the ring and the buffers. */
    @Override
    public void close() throws IOException {
        try {
            while (inFlight > 0) {
                ring.submitAndWait(1);
                ring.reapCqes((ud, r, f) -> inFlight--);
            }
            ring.nextSqe().prepClose(fd).userData(-1);
            ring.submitAndWait(1);
            ring.reapCqes((ud, r, f) -> { });
        } finally {
            ring.close();
            arena.close();
        }
    }
}
