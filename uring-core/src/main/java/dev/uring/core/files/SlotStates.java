package dev.uring.core.files;

import java.util.BitSet;

/**
 * The group's slot allocator: the state of each group slot and the free set. Guarded by the
 * table's lock. A slot goes FREE, RESERVED (installing), LIVE, CLEARING, then FREE again only
 * when every ring has confirmed the clear; a slot whose clear failed on some ring is QUARANTINED
 * and never handed out again, since that ring may still hold the old file.
 */
final class SlotStates {
    static final byte FREE = 0;
    static final byte RESERVED = 1;
    static final byte LIVE = 2;
    static final byte CLEARING = 3;
    static final byte QUARANTINED = 4;

    private final byte[] state;
    private final FixedFile[] files;
    private final BitSet free;
    private int hint;
    private int quarantined;

    SlotStates(int slots) {
        state = new byte[slots];
        files = new FixedFile[slots];
        free = new BitSet(slots);
        free.set(0, slots);
    }

    int slots() {
        return state.length;
    }

    /** Takes a free slot, rotating so that a just-freed slot is not the next one handed out; -1 when none. */
    int reserve() {
        int s = free.nextSetBit(hint);
        if (s < 0) {
            s = free.nextSetBit(0);
        }
        if (s < 0) {
            return -1;
        }
        free.clear(s);
        state[s] = RESERVED;
        hint = s + 1 == state.length ? 0 : s + 1;
        return s;
    }

    byte state(int slot) {
        return state[slot];
    }

    FixedFile file(int slot) {
        return files[slot];
    }

    void live(int slot, FixedFile f) {
        state[slot] = LIVE;
        files[slot] = f;
    }

    void clearing(int slot) {
        state[slot] = CLEARING;
        files[slot] = null;
    }

    void free(int slot) {
        state[slot] = FREE;
        files[slot] = null;
        free.set(slot);
    }

    void quarantine(int slot) {
        state[slot] = QUARANTINED;
        files[slot] = null;
        quarantined++;
    }

    int freeCount() {
        return free.cardinality();
    }

    int quarantined() {
        return quarantined;
    }

    int count(byte s) {
        int n = 0;
        for (byte b : state) {
            if (b == s) {
                n++;
            }
        }
        return n;
    }
}
