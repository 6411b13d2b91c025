package dev.uring.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.uring.core.Ring;
import dev.uring.core.RingOptions;
import dev.uring.core.Sqe;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A policy that allows nothing is a mistake unless spelled {@link RingPolicy#denyAll()}. */
@Timeout(30)
class DenyAllTest {
    @Test
    void theBuilderRefusesAPolicyThatAllowsNothingAndNamesDenyAll() {
        assertThatThrownBy(() -> RingPolicy.builder("empty").allowFlags(0).build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("'empty' allows nothing").hasMessageContaining("RingPolicy.denyAll()");
    }

    @Test
    void aProfileThatAllowsNothingIsRefusedUnlessItSaysDenyAll() {
        assertThatThrownBy(() -> PolicyProfiles.parse("uring-policy 1\nname nothing\nallow-sqe-flags ALL\n", "t"))
                .isInstanceOf(ProfileFormatException.class).hasMessageContaining("deny-all");
        RingPolicy p = PolicyProfiles.parse("uring-policy 1\nname locked\ndeny-all\n", "t");
        assertThat(p).isEqualTo(RingPolicy.denyAll());
        assertThat(p.name()).isEqualTo("locked");
        assertThat(PolicyProfiles.parse(PolicyProfiles.format(RingPolicy.denyAll()), "t")).isEqualTo(RingPolicy.denyAll());
        assertThatThrownBy(() -> PolicyProfiles.parse("uring-policy 1\nname x\ndeny-all\nallow-ops NOP\n", "t"))
                .isInstanceOf(ProfileFormatException.class);
    }

    @Test
    void aRingUnderDenyAllIsRefusedEveryOpByTheKernel() throws Exception {
        int[] res = PolicyScope.call(RingPolicy.denyAll(), () -> {
            try (Ring ring = Ring.open(RingOptions.defaults().entries(4))) {
                return new int[] {OneShot.run(ring, 1, Sqe::prepNop), OneShot.run(ring, 2, s -> s.prepSocket(2, 1, 0, 0))};
            }
        });
        assertThat(res).containsExactly(-13, -13);
        assertThat(RingPolicy.denyAll().sqeOps()).isEmpty();
        assertThat(RingPolicy.denyAll().registerOps()).isEmpty();
    }
}
