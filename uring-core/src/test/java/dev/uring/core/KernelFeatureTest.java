package dev.uring.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.uring.core.ffi.Errno;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The probes behind {@link KernelFeature}, checked against what the kernel itself says where it can. */
class KernelFeatureTest {
    @Test
    void behaviouralRegisterOpCountEqualsTheKernelsOwnAnswer() throws Exception {
        assumeTrue(KernelFeature.REGISTER_QUERY.isAvailable(), KernelFeature.REGISTER_QUERY::missing);
        int fromQuery = IoUring.query().orElseThrow().registerOpcodes();
        assertThat(KernelProbes.registerOpCount()).isEqualTo(fromQuery);
        assertThat(IoUring.registerOpCount()).isEqualTo(fromQuery);
    }

    @Test
    void theLastKnownRegisterOpIsAcceptedInARestrictionAndTheNextIsRefused() throws Exception {
        int n = IoUring.registerOpCount();
        assertThat(n).isGreaterThan(RegisterOp.ENABLE_RINGS.code());
        assertThat(KernelProbes.registerOpKnown(n - 1)).isTrue();
        assertThat(KernelProbes.registerOpKnown(n)).isFalse();
    }

    @Test
    void opFeaturesAgreeWithTheProbe() throws Exception {
        Probe probe = IoUring.probe();
        assertThat(KernelFeature.BIND.isAvailable()).isEqualTo(probe.isSupported(Opcode.BIND));
        assertThat(KernelFeature.LISTEN.isAvailable()).isEqualTo(probe.isSupported(Opcode.LISTEN));
        assertThat(KernelFeature.FTRUNCATE.isAvailable()).isEqualTo(probe.isSupported(Opcode.FTRUNCATE));
        assertThat(KernelFeature.FIXED_FD_INSTALL.isAvailable()).isEqualTo(probe.isSupported(Opcode.FIXED_FD_INSTALL));
    }

    @Test
    void multishotTimeoutProbeMatchesWhatARingDoesWithTheFlag() throws Exception {
        try (Ring ring = Ring.open(RingOptions.defaults().entries(4).setupHooks(false));
                java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofConfined()) {
            var ts = Timespec.allocate(arena, java.time.Duration.ofMillis(1));
            ring.nextSqe().prepTimeout(ts, 2, TimeoutFlags.MULTISHOT).userData(9);
            if (KernelFeature.MULTISHOT_TIMEOUT.isAvailable()) {
                List<TestRing.Cqe> cqes = TestRing.await(ring, 2);
                assertThat(cqes).extracting(TestRing.Cqe::res).containsExactly(-Errno.ETIME, -Errno.ETIME);
                assertThat(CqeFlags.hasMore(cqes.get(0).flags())).as("first of two expiries has F_MORE").isTrue();
                assertThat(CqeFlags.hasMore(cqes.get(1).flags())).as("the last has no F_MORE").isFalse();
            } else {
                assertThat(TestRing.one(ring).res()).isEqualTo(-Errno.EINVAL);
            }
        }
    }

    @Test
    void noSqarrayProbeMatchesWhetherSetupTakesTheFlag() throws Exception {
        boolean taken;
        try (Ring ring = Ring.open(RingOptions.defaults().entries(2).flags(SetupFlags.NO_SQARRAY).setupHooks(false))) {
            taken = true;
        } catch (UringException e) {
            assertThat(e.errno()).isEqualTo(Errno.EINVAL);
            assertThat(e.getMessage()).contains("refuses setup flag NO_SQARRAY").contains("needs Linux 6.6");
            taken = false;
        }
        assertThat(KernelFeature.NO_SQARRAY.isAvailable()).isEqualTo(taken);
    }

    @Test
    void missingNamesTheFeatureTheReleaseThatHasItAndThisKernel() {
        assertThat(KernelFeature.BIND.missing()).startsWith("IORING_OP_BIND needs Linux 6.11 or newer; this kernel is ")
                .endsWith(KernelFeature.release());
        assertThat(KernelFeature.release()).matches("\\d+\\.\\d+.*");
    }
}
