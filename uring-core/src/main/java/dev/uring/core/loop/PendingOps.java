package dev.uring.core.loop;

import java.util.Arrays;

/**
 * The table of in-flight ops of one loop, indexed by the low 32 bits of user_data; the high 32
 * bits carry the slot's generation, so a stale or duplicate CQE is recognised and dropped. Only
 * the loop thread touches it; it grows by doubling and otherwise allocates nothing.
 */
final class PendingOps {
    /** Slot 0: the loop's own wake-up read. */
    static final int WAKE_SLOT = 0;
    /** Slot 1: ops whose CQE nobody waits for (cancels, skipped successes). */
    static final int IGNORE_SLOT = 1;
    static final int FIRST_FREE = 2;

    private Completion[] handlers;
    private int[] generations;
    private int[] free;
    private int freeTop;
    private int active;
    private long stale;

    PendingOps(int initialCapacity) {
        int cap = Math.max(FIRST_FREE + 1, initialCapacity);
        handlers = new Completion[cap];
        generations = new int[cap];
        free = new int[cap];
        for (int i = cap - 1; i >= FIRST_FREE; i--) {
            free[freeTop++] = i;
        }
        Arrays.fill(generations, 1);
    }

    static long token(int slot, int generation) {
        return ((long) generation << 32) | Integer.toUnsignedLong(slot);
    }

    long add(Completion c) {
        if (freeTop == 0) {
            grow();
        }
        int slot = free[--freeTop];
        handlers[slot] = c;
        active++;
        return token(slot, generations[slot]);
    }

    private void grow() {
        int old = handlers.length;
        int cap = old * 2;
        handlers = Arrays.copyOf(handlers, cap);
        generations = Arrays.copyOf(generations, cap);
        Arrays.fill(generations, old, cap, 1);
        free = Arrays.copyOf(free, cap);
        for (int i = cap - 1; i >= old; i--) {
            free[freeTop++] = i;
        }
    }

    /** The op for {@code userData}, or null (counted as stale) when the slot moved on. */
    Completion lookup(long userData) {
        int slot = (int) userData;
        int gen = (int) (userData >>> 32);
        if (slot < FIRST_FREE || slot >= handlers.length || generations[slot] != gen || handlers[slot] == null) {
            stale++;
            return null;
        }
        return handlers[slot];
    }

    /** Frees the slot of {@code userData}; its generation moves on so later CQEs for it are stale. */
    void remove(long userData) {
        int slot = (int) userData;
        if (slot < FIRST_FREE || slot >= handlers.length || generations[slot] != (int) (userData >>> 32)
                || handlers[slot] == null) {
            throw new IllegalStateException("user_data 0x" + Long.toHexString(userData) + " is not a pending op");
        }
        handlers[slot] = null;
        generations[slot]++;
        if (generations[slot] == 0) {
            generations[slot] = 1;
        }
        free[freeTop++] = slot;
        active--;
    }

    int active() {
        return active;
    }

    long stale() {
        return stale;
    }

    /** Calls {@code action} on every pending op's user_data (for close). */
    void forEach(java.util.function.LongConsumer action) {
        for (int i = FIRST_FREE; i < handlers.length; i++) {
            if (handlers[i] != null) {
                action.accept(token(i, generations[i]));
            }
        }
    }
}
