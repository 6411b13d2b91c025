package dev.uring.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.uring.core.ffi.Errno;
import dev.uring.core.ffi.IoUringConstants;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What the running kernel says it supports, and how a refused setup is explained. */
@Timeout(30)
class ProbeTest {
    @Test
    void ioUringIsAvailableWithNoCause() throws Exception {
        assertThat(IoUring.isAvailable()).isTrue();
        assertThat(IoUring.unavailabilityCause()).isNull();
        IoUring.ensureAvailable();
    }

    @Test
    void everyOpUpToTheKernelsLastIsSupportedAndLaterOnesAreRefusedByName() throws Exception {
        Probe probe = IoUring.probe();
        // 6.1, the oldest supported kernel, knows every op through SENDMSG_ZC (48)
        assertThat(probe.lastOp()).isGreaterThanOrEqualTo(Opcode.SENDMSG_ZC.code());
        for (Opcode op : Opcode.values()) {
            if (op.code() <= Math.min(probe.lastOp(), Opcode.SENDMSG_ZC.code())) {
                probe.require(op);
                assertThat(probe.isSupported(op)).as("%s", op).isTrue();
            } else if (op.code() > probe.lastOp()) {
                assertThat(probe.isSupported(op)).as("%s", op).isFalse();
                assertThatThrownBy(() -> probe.require(op)).isInstanceOf(UnsupportedOperationException.class)
                        .hasMessageContaining(op.name()).hasMessageContaining("last op is " + probe.lastOp());
            }
        }
        assertThat(probe.hasFeature(IoUringConstants.IORING_FEAT_NODROP)).isTrue();
        assertThat(probe.hasFeature(IoUringConstants.IORING_FEAT_EXT_ARG)).isTrue();
    }

    @Test
    void aRingsOwnProbeMatchesTheCachedOne() throws Exception {
        try (Ring ring = TestRing.open(2)) {
            assertThat(ring.probe().supportedOps()).isEqualTo(IoUring.probe().supportedOps());
            assertThat(ring.probe().features()).isEqualTo(ring.features());
        }
    }

    @Test
    void queryReportsTheKernelsOpcodeCounts() {
        assumeTrue(KernelFeature.REGISTER_QUERY.isAvailable(), KernelFeature.REGISTER_QUERY::missing);
        IoUring.QueryResult q = IoUring.query().orElseThrow(() -> new AssertionError("IORING_REGISTER_QUERY missing"));
        assertThat(q.requestOpcodes()).isGreaterThanOrEqualTo(Opcode.PIPE.code() + 1);
        assertThat(q.registerOpcodes()).isGreaterThanOrEqualTo(36);
        assertThat(q.featureFlags() & IoUringConstants.IORING_FEAT_NODROP).isNotZero();
        assertThat(q.setupFlags() & SetupFlags.DEFER_TASKRUN).isNotZero();
        assertThat(q.sqeFlags() & SqeFlags.CQE_SKIP_SUCCESS).isNotZero();
    }

    private static String proc(String path) throws Exception {
        Path p = Path.of(path);
        return Files.exists(p) ? Files.readString(p).trim() : ""; // io_uring_disabled: Linux 6.6+
    }

    private static String seccomp() throws Exception {
        return Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("Seccomp:"))
                .map(l -> l.substring(8).trim()).findFirst().orElse("0");
    }

    @Test
    void epermIsExplainedByTheSysctlOrSeccompOrASecurityModule() throws Exception {
        String text = IoUring.diagnose(Errno.EPERM, RingOptions.defaults());
        String sysctl = proc("/proc/sys/kernel/io_uring_disabled");
        if (sysctl.equals("2") || sysctl.equals("1")) {
            assertThat(text).contains("kernel.io_uring_disabled=" + sysctl);
        } else if (!seccomp().equals("0")) {
            assertThat(text).contains("seccomp");
        } else {
            assertThat(text).contains("security module").contains("without a sysctl or seccomp cause");
        }
    }

    @Test
    void enosysIsExplainedBySeccompOrAKernelWithoutIoUring() throws Exception {
        String text = IoUring.diagnose(Errno.ENOSYS, RingOptions.defaults());
        if (seccomp().equals("0")) {
            assertThat(text).contains("CONFIG_IO_URING");
        } else {
            assertThat(text).contains("seccomp");
        }
    }

    @Test
    void enomemIsExplainedByTheMemlockLimit() {
        String text = IoUring.diagnose(Errno.ENOMEM, RingOptions.defaults());
        assertThat(text).contains("RLIMIT_MEMLOCK").contains("Max locked memory").contains("ulimit -l");
    }

    @Test
    void einvalNamesTheFlagsSizesAndKernel() throws Exception {
        RingOptions o = RingOptions.defaults().entries(64).flags(SetupFlags.SINGLE_ISSUER | SetupFlags.DEFER_TASKRUN);
        String text = IoUring.diagnose(Errno.EINVAL, o);
        assertThat(text).contains("SINGLE_ISSUER").contains("DEFER_TASKRUN").contains("entries 64")
                .contains(proc("/proc/sys/kernel/osrelease"));
    }

    @Test
    void aSetupFailureCarriesTheErrnoAndTheDiagnosis() {
        UringException e = (UringException) IoUring.setupFailure(Errno.ENOMEM, RingOptions.defaults());
        assertThat(e.errno()).isEqualTo(Errno.ENOMEM);
        assertThat(e).hasMessageStartingWith("io_uring_setup failed: ENOMEM").hasMessageContaining("memlock");
    }
}
