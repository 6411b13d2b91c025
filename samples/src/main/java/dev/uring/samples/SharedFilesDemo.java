package dev.uring.samples;

import dev.uring.core.IoUring;
import dev.uring.core.OpenFlags;
import dev.uring.core.SqeFlags;
import dev.uring.core.UringException;
import dev.uring.core.files.FixedFile;
import dev.uring.core.files.FixedFileTable;
import dev.uring.core.loop.EventLoop;
import dev.uring.core.loop.EventLoopGroup;
import java.io.PrintStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * One fixed-file table shared by every ring of an event loop group: a few files are opened once,
 * each straight into a slot on one ring and sent to the others, then every loop reads every file
 * through the same slot number with {@code IOSQE_FIXED_FILE} (no fd lookup per read). Releasing
 * the files clears their slots on every ring, which the demo shows by reading the old slots again
 * (EBADF everywhere). Run with no arguments; it uses one loop per processor, at least two.
 */
public final class SharedFilesDemo {
    /** The demo files: name and the line their content repeats (sizes differ, so reads differ). */
    private static final String[][] FILES = {
        {"alpha.txt", "alpha: the first shared file\n"},
        {"beta.txt", "beta: opened on another ring, read on all of them\n"},
        {"gamma.txt", "gamma: one slot number, the same file on every ring\n"},
        {"delta.txt", "delta: installed once, released once\n"},
    };
    private static final long TIMEOUT_SECONDS = 10;

    private SharedFilesDemo() {
    }

    /** What one loop read through one slot. */
    record SlotRead(int loop, int slot, String file, int bytes, boolean matched) {
    }

    /** What one loop got reading a released slot: the errno name (EBADF when the slot is clear). */
    record ClearedSlot(int loop, int slot, String result) {
        boolean cleared() {
            return "EBADF".equals(result);
        }
    }

    /** Everything the demo did, for its caller to check. */
    record Outcome(int loops, int files, List<SlotRead> reads, List<ClearedSlot> afterRelease, int slotsInUseAfter) {
        boolean readsMatched() {
            return reads.size() == loops * files && reads.stream().allMatch(SlotRead::matched);
        }

        boolean clearedEverywhere() {
            return slotsInUseAfter == 0 && afterRelease.size() == loops * files
                    && afterRelease.stream().allMatch(ClearedSlot::cleared);
        }

        boolean ok() {
            return readsMatched() && clearedEverywhere();
        }
    }

    /** Entry point: no arguments. Exits 1 when a read did not match or a slot was not cleared. */
    public static void main(String[] args) throws Exception {
        if (!IoUring.isAvailable()) {
            System.err.println("io_uring is not usable here: " + IoUring.unavailabilityCause());
            System.exit(1);
        }
        int loops = Math.max(2, Runtime.getRuntime().availableProcessors());
        Path dir = Files.createTempDirectory("reactive-uring-shared-files");
        Outcome outcome;
        try {
            outcome = run(loops, dir, System.out);
        } finally {
            try (Stream<Path> s = Files.list(dir)) {
                for (Path p : s.toList()) {
                    Files.deleteIfExists(p);
                }
            }
            Files.deleteIfExists(dir);
        }
        System.out.println(outcome.ok() ? "ok: every loop read every file through its shared slot, and every slot"
                + " was cleared on every ring" : "FAILED: " + outcome);
        if (!outcome.ok()) {
            System.exit(1);
        }
    }

    /**
     * Runs the demo with a group of {@code loops} loops over demo files written to {@code dir},
     * printing what happens to {@code out}.
     */
    static Outcome run(int loops, Path dir, PrintStream out) throws Exception {
        List<Path> paths = new ArrayList<>();
        for (String[] f : FILES) {
            paths.add(Files.writeString(dir.resolve(f[0]), f[1].repeat(paths.size() * 40 + 10), StandardCharsets.UTF_8));
        }
        // the read buffers outlive the group, whose close waits for every op's final CQE
        try (Arena arena = Arena.ofShared(); EventLoopGroup group = EventLoopGroup.create(loops)) {
            FixedFileTable table = FixedFileTable.create(group, 16, 0).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            try {
                out.println(table + " registered on " + group.size() + " rings");
                List<FixedFile> files = install(table, group, paths, out);
                List<SlotRead> reads = readEverywhere(group, files, paths, arena, out);
                int[] slots = files.stream().mapToInt(FixedFile::slot).toArray();
                files.forEach(FixedFile::release);
                CompletableFuture.allOf(files.stream().map(FixedFile::cleared).toArray(CompletableFuture[]::new))
                        .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
                int inUse = table.slotsInUse();
                out.println("released " + files.size() + " files; group slots in use now: " + inUse);
                List<ClearedSlot> cleared = readReleased(group, slots, arena, out);
                return new Outcome(loops, paths.size(), reads, cleared, inUse);
            } finally {
                table.close();
            }
        }
    }

    /**
     * Opens file i straight into a slot on loop i (mod n); eager propagation sends it to every ring.
     * No O_CLOEXEC: a direct open refuses it (EINVAL), a fixed slot is no fd to inherit.
     */
    private static List<FixedFile> install(FixedFileTable table, EventLoopGroup group, List<Path> paths,
            PrintStream out) throws Exception {
        List<FixedFile> files = new ArrayList<>();
        for (int i = 0; i < paths.size(); i++) {
            EventLoop origin = group.get(i % group.size());
            FixedFile f = table.open(origin, paths.get(i), OpenFlags.O_RDONLY, 0)
                    .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            out.println("installed " + paths.get(i).getFileName() + " into slot " + f.slot() + " from loop "
                    + origin.index() + ", now on all " + group.size() + " rings");
            files.add(f);
        }
        return files;
    }

    /** Every loop reads every file through its slot, all at once; each result is checked against the file. */
    private static List<SlotRead> readEverywhere(EventLoopGroup group, List<FixedFile> files, List<Path> paths,
            Arena arena, PrintStream out) throws Exception {
        List<SlotRead> reads = new ArrayList<>();
        List<CompletableFuture<Integer>> pending = new ArrayList<>();
        List<MemorySegment> bufs = new ArrayList<>();
        for (EventLoop loop : group) {
            for (int i = 0; i < files.size(); i++) {
                // one byte more than the file: a longer read would show up as a mismatch
                MemorySegment buf = arena.allocate(Files.size(paths.get(i)) + 1);
                bufs.add(buf);
                pending.add(readSlot(loop, files.get(i).slot(loop), files.get(i), buf));
            }
        }
        int k = 0;
        for (EventLoop loop : group) {
            for (int i = 0; i < files.size(); i++, k++) {
                int n = pending.get(k).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
                byte[] expected = Files.readAllBytes(paths.get(i));
                boolean matched = n == expected.length
                        && Arrays.equals(bufs.get(k).asSlice(0, n).toArray(ValueLayout.JAVA_BYTE), expected);
                SlotRead r = new SlotRead(loop.index(), files.get(i).slot(), paths.get(i).getFileName().toString(),
                        n, matched);
                out.println("loop " + r.loop() + " read slot " + r.slot() + " (" + r.file() + "): "
                        + (n < 0 ? errnoName(n) : n + " bytes") + (matched ? ", content matches" : ", MISMATCH"));
                reads.add(r);
            }
        }
        return reads;
    }

    /**
     * One READ from offset 0 of fixed slot {@code slot} on {@code loop}'s ring. The read holds a
     * reference on the file from its SQE to its CQE, so no release can clear the slot under it.
     */
    private static CompletableFuture<Integer> readSlot(EventLoop loop, int slot, FixedFile file, MemorySegment buf) {
        CompletableFuture<Integer> done = new CompletableFuture<>();
        file.retain();
        loop.execute(() -> loop.nextSqe().prepRead(slot, buf, 0).addFlags(SqeFlags.FIXED_FILE)
                .userData(loop.register((res, flags) -> {
                    file.release();
                    done.complete(res);
                })));
        return done;
    }


    /** Every loop reads every released slot again: a cleared slot fails with EBADF. */
    private static List<ClearedSlot> readReleased(EventLoopGroup group, int[] slots, Arena arena, PrintStream out)
            throws Exception {
        List<ClearedSlot> results = new ArrayList<>();
        MemorySegment buf = arena.allocate(64);
        for (EventLoop loop : group) {
            StringBuilder line = new StringBuilder("loop " + loop.index() + " after release:");
            for (int slot : slots) {
                CompletableFuture<Integer> f = new CompletableFuture<>();
                loop.execute(() -> loop.nextSqe().prepRead(slot, buf, 0).addFlags(SqeFlags.FIXED_FILE)
                        .userData(loop.register((res, flags) -> f.complete(res))));
                int res = f.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
                String result = res < 0 ? errnoName(res) : res + " bytes";
                results.add(new ClearedSlot(loop.index(), slot, result));
                line.append(" slot ").append(slot).append(' ').append(result);
            }
            out.println(line);
        }
        return results;
    }

    private static String errnoName(int res) {
        return new UringException(-res, "READ", null).errnoName();
    }
}
