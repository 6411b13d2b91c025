package dev.uring.reactor.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The per-loop send memory on its own: size classes, reuse, what it keeps and what it lets go. */
class SendBuffersTest {
    @Test
    void aSlotIsSizedToThePowerOfTwoClassOfItsBounceWithinTheBounds() {
        try (SendBuffers b = new SendBuffers()) {
            assertThat(b.take(0).bounce().byteSize()).isZero();
            assertThat(b.take(1).bounce().byteSize()).isEqualTo(SendBuffers.MIN_BOUNCE);
            assertThat(b.take(SendBuffers.MIN_BOUNCE).bounce().byteSize()).isEqualTo(SendBuffers.MIN_BOUNCE);
            assertThat(b.take(SendBuffers.MIN_BOUNCE + 1).bounce().byteSize()).isEqualTo(2 * SendBuffers.MIN_BOUNCE);
            assertThat(b.take(65_507).bounce().byteSize()).isEqualTo(64 * 1024);
            assertThat(b.take(10L << 20).bounce().byteSize()).isEqualTo(SendBuffers.MAX_BOUNCE);
            assertThat(b.lent()).isEqualTo(6);
        }
    }

    @Test
    void aReleasedSlotIsTheNextOneLentOfItsClassAndHeadersDoNotOverlapTheBounce() {
        try (SendBuffers b = new SendBuffers()) {
            SendBuffers.Slot s = b.take(100);
            MemorySegment name = s.header().allocate(128, 8);
            MemorySegment msg = s.header().allocate(72, 8);
            assertThat(name.address()).isEqualTo(msg.address()); // each prep's allocator starts at the header's start
            assertThat(name.address() + SendBuffers.HEADER).isLessThanOrEqualTo(s.bounce().address());
            s.release();
            assertThat(b.lent()).isZero();
            SendBuffers.Slot again = b.take(200);
            assertThat(again).isSameAs(s);
            assertThat(b.made()).isEqualTo(1);
            again.release();
            assertThatThrownBy(again::release).isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void aBurstPastWhatAClassKeepsIsServedButOnlyTheKeptSlotsComeBack() {
        try (SendBuffers b = new SendBuffers()) {
            List<SendBuffers.Slot> burst = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                burst.add(b.take(SendBuffers.MAX_BOUNCE));
            }
            burst.forEach(SendBuffers.Slot::release);
            assertThat(b.lent()).isZero();
            long made = b.made();
            List<SendBuffers.Slot> next = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                next.add(b.take(SendBuffers.MAX_BOUNCE));
            }
            long reused = next.stream().filter(burst::contains).count();
            // a class keeps at most KEEP_BYTES (at least one slot): the rest of the burst was let go
            assertThat(reused).isBetween(1L, SendBuffers.KEEP_BYTES / SendBuffers.MAX_BOUNCE);
            assertThat(b.made() - made).isEqualTo(10 - reused);
            next.forEach(SendBuffers.Slot::release);
        }
    }
}
