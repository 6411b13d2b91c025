package dev.uring.nio;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The per-loop bounce buffer pool: size classes, reuse, the budget, temporary buffers. */
class BounceBuffersTest {
    @Test
    void buffersAreRoundedToAClassAndReused() {
        BounceBuffers pool = new BounceBuffers();
        BounceBuffers.Bounce a = pool.take(5000);
        assertThat(a.segment().byteSize()).isEqualTo(8192);
        assertThat(a.arena()).isNull();
        pool.release(a);
        BounceBuffers.Bounce b = pool.take(8000);
        assertThat(b.segment()).isEqualTo(a.segment());
        assertThat(pool.pooledBytes()).isEqualTo(8192);
        BounceBuffers.Bounce tiny = pool.take(1);
        assertThat(tiny.segment().byteSize()).isEqualTo(4096);
    }

    @Test
    void aClassHoldsAtMostItsBudgetAndLargeBuffersAreTemporary() {
        BounceBuffers pool = new BounceBuffers();
        List<BounceBuffers.Bounce> held = new ArrayList<>();
        int perClass = (int) (BounceBuffers.CLASS_BUDGET / (64 * 1024));
        for (int i = 0; i < perClass; i++) {
            held.add(pool.take(64 * 1024));
        }
        assertThat(held).allMatch(h -> h.arena() == null);
        BounceBuffers.Bounce over = pool.take(64 * 1024);
        assertThat(over.arena()).as("past the budget: a temporary buffer").isNotNull();
        assertThat(pool.pooledBytes()).isEqualTo(BounceBuffers.CLASS_BUDGET);
        pool.release(over);
        assertThat(over.arena().scope().isAlive()).isFalse();

        BounceBuffers.Bounce huge = pool.take(3 << 20);
        assertThat(huge.arena()).isNotNull();
        assertThat(huge.segment().byteSize()).isEqualTo(3 << 20);
        pool.release(huge);
        assertThat(huge.arena().scope().isAlive()).isFalse();
        held.forEach(pool::release);
        assertThat(pool.take(64 * 1024).arena()).isNull();
    }
}
