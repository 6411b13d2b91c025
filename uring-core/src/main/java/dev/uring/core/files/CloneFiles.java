package dev.uring.core.files;

import dev.uring.core.Errors;
import dev.uring.core.UringException;
import dev.uring.core.ffi.Errno;
import dev.uring.core.files.FixedFileTable.Member;
import dev.uring.core.loop.EventLoop;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@link FixedFileTable#cloneFiles}: the validation of IORING_REGISTER_CLONE_FILES (seed 001) and
 * the two ways to carry a clone out, the kernel's registration (only into a ring without a table,
 * only while no group slot is in transition) and the SQE-op emulation (MSG_RING SEND_FD per slot).
 */
final class CloneFiles {
    private final FixedFileTable table;

    CloneFiles(FixedFileTable table) {
        this.table = table;
    }

    /** The checks of io_register_clone_files / io_clone_files, in the patch's order; returns nr. */
    int validate(Member s, Member d, int srcOff, int dstOff, int nr, boolean replace) {
        if (s == d) {
            throw new IllegalArgumentException("cloneFiles: source and destination are the same ring " + s
                    + " (self-clone)");
        }
        if (srcOff < 0 || dstOff < 0 || nr < 0) {
            throw new IllegalArgumentException("cloneFiles: offsets and nr must not be negative: srcOff " + srcOff
                    + ", dstOff " + dstOff + ", nr " + nr);
        }
        if (nr == 0 && (srcOff != 0 || dstOff != 0)) {
            throw new IllegalArgumentException("cloneFiles: offsets " + srcOff + "/" + dstOff
                    + " need an explicit nr (nr 0 means the whole table from slot 0)");
        }
        if (d.hasTable() && !replace) {
            throw new IllegalStateException("cloneFiles: destination ring " + d
                    + " already has a file table (EBUSY): pass replace=true to overwrite the range");
        }
        if (!s.hasTable()) {
            throw new IllegalStateException("cloneFiles: source ring " + s + " has no file table (ENXIO): nothing to clone");
        }
        int srcNr = table.size;
        int n = nr == 0 ? srcNr : nr;
        if (n > srcNr || n > FixedFileTable.MAX_FIXED_FILES) {
            throw new IllegalArgumentException("cloneFiles: nr " + n + " exceeds the source table of " + srcNr + " slots");
        }
        if (srcOff + n < 0 || dstOff + n < 0) {
            throw new IllegalArgumentException("cloneFiles: range overflows: srcOff " + srcOff + " / dstOff " + dstOff
                    + " + nr " + n + " (EOVERFLOW)");
        }
        if (srcOff + n > srcNr) {
            throw new IllegalArgumentException("cloneFiles: source range [" + srcOff + ", " + (srcOff + n)
                    + ") exceeds the source table of " + srcNr + " slots (EOVERFLOW)");
        }
        if (dstOff + n > table.size) {
            throw new IllegalArgumentException("cloneFiles: destination range [" + dstOff + ", " + (dstOff + n)
                    + ") exceeds the table of " + table.size + " slots: a shared table cannot grow");
        }
        if (srcOff != dstOff && dstOff < table.groupSlots) {
            throw new IllegalArgumentException("cloneFiles: a clone into the group range [0, " + table.groupSlots
                    + ") must keep slot numbers (srcOff == dstOff), or slot k would name different files on"
                    + " different rings");
        }
        return n;
    }

    /**
     * The SQE-op clone: group slots live on {@code s} are pinned and sent; kernel-range slots are
     * sent as they are, an empty one (-EBADF) clearing the destination slot.
     */
    void copyRange(Member s, Member d, int srcOff, int dstOff, int n, CompletableFuture<Void> done) {
        List<FixedFile> pinned = new ArrayList<>();
        List<int[]> pairs = new ArrayList<>();
        synchronized (table.lock) {
            for (int i = 0; i < n; i++) {
                int ss = srcOff + i;
                int ds = dstOff + i;
                if (ds < table.groupSlots) {
                    if (table.slots.state(ss) == SlotStates.LIVE) {
                        FixedFile f = table.slots.file(ss);
                        if (f.installedOn(s) && f.tryRetain()) {
                            pinned.add(f);
                            pairs.add(new int[] {ss, ds});
                        }
                    }
                } else {
                    pairs.add(new int[] {ss, ds});
                }
            }
        }
        int m = pairs.size();
        int[] srcSlots = new int[m];
        int[] dstSlots = new int[m];
        for (int i = 0; i < m; i++) {
            srcSlots[i] = pairs.get(i)[0];
            dstSlots[i] = pairs.get(i)[1];
        }
        EventLoop[] targets = new EventLoop[m];
        Arrays.fill(targets, d.loop);
        CompletableFuture<Void> sent = new CompletableFuture<>();
        FixedFileTable.runOn(s.loop, sent, () -> FileMessages.send(s.loop, srcSlots, dstSlots, targets, results -> {
            IOException failure = null;
            List<Integer> holes = new ArrayList<>();
            for (int i = 0; i < m; i++) {
                int res = results[i];
                if (res == 0) {
                    if (dstSlots[i] < table.groupSlots) {
                        slotsFile(srcSlots[i], pinned).markInstalled(d);
                    }
                } else if (res == -Errno.EBADF && dstSlots[i] >= table.groupSlots) {
                    holes.add(dstSlots[i]);
                } else if (failure == null) {
                    failure = Errors.toException(res, "cloneFiles: MSG_RING SEND_FD of slot " + srcSlots[i] + " to "
                            + d, null);
                }
            }
            pinned.forEach(FixedFile::release);
            IOException cause = failure;
            clearHoles(d, holes, () -> {
                if (cause == null) {
                    done.complete(null);
                } else {
                    done.completeExceptionally(cause);
                }
            });
        }));
        sent.whenComplete((v, t) -> {
            if (t != null) {
                pinned.forEach(FixedFile::release);
                done.completeExceptionally(FixedFileTable.unwrap(t));
            }
        });
    }

    private static FixedFile slotsFile(int slot, List<FixedFile> pinned) {
        for (FixedFile f : pinned) {
            if (f.slot() == slot) {
                return f;
            }
        }
        throw new IllegalStateException("slot " + slot + " was not pinned");
    }

    private static void clearHoles(Member d, List<Integer> holes, Runnable after) {
        if (holes.isEmpty()) {
            after.run();
            return;
        }
        AtomicInteger left = new AtomicInteger(holes.size());
        for (int slot : holes) {
            FileMessages.clear(d.loop, slot, res -> {
                if (left.decrementAndGet() == 0) {
                    after.run();
                }
            });
        }
    }

    /**
     * On {@code d}'s thread: the kernel's clone into a ring without a table, under the table lock
     * so that no group slot changes state meanwhile; only when no group slot is in transition.
     * Then the bookkeeping: live files on {@code s} count as installed on {@code d}.
     *
     * @return false when the kernel path was not taken (fall back to SQE ops)
     */
    boolean kernelClone(Member s, Member d, int srcOff, int dstOff, int n) throws IOException {
        synchronized (table.lock) {
            for (int i = 0; i < table.groupSlots; i++) {
                byte st = table.slots.state(i);
                if (st == SlotStates.RESERVED || st == SlotStates.CLEARING) {
                    return false;
                }
            }
            int r = KernelCloneFiles.call(d.loop.ringFd(), s.loop.ringFd(), 0, srcOff, dstOff, n);
            if (r != 0) {
                // e.g. EEXIST: the patch refuses a SINGLE_ISSUER source owned by another thread
                return false;
            }
            for (int i = 0; i < n; i++) {
                int ds = dstOff + i;
                if (ds < table.groupSlots && table.slots.state(ds) == SlotStates.LIVE && table.slots.file(ds).installedOn(s)) {
                    table.slots.file(ds).markInstalled(d);
                }
            }
            d.state = Member.TABLE;
        }
        // the clone resets the allocation range to the whole table: put ours back
        try {
            d.loop.ring().registerFileAllocRange(table.groupSlots, table.size - table.groupSlots);
        } catch (IOException e) {
            throw new UringException(Errno.EINVAL, "FILE_ALLOC_RANGE after CLONE_FILES", d.toString(),
                    "the kernel cloned the table into " + d + " but the allocation range could not be restored: "
                            + e.getMessage());
        }
        return true;
    }
}
