package dev.uring.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.uring.core.AtFlags;
import dev.uring.core.Opcode;
import dev.uring.core.OpenFlags;
import dev.uring.core.RegisterOp;
import dev.uring.core.Ring;
import dev.uring.core.RingOptions;
import dev.uring.core.SocketAddresses;
import dev.uring.core.Sqe;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The audit trail: listeners and JFR events for filter, kernel and register denials on real restricted rings. */
@Timeout(60)
class PolicyViolationsTest {
    private static final int EACCES = -13;
    private static final RingPolicy READ_ONLY = RingPolicy.builder("audit-read-only")
            .allow(Opcode.NOP, Opcode.READ, Opcode.OPENAT, Opcode.CLOSE, Opcode.ASYNC_CANCEL)
            .filter(new ArgumentFilter.Open(false, false, null, false)).build();

    @TempDir
    Path dir;

    private static Ring ring(RingPolicy policy) throws Exception {
        return Ring.open(RingOptions.defaults().entries(8).setupHooks(false).customizer(PolicyCustomizer.of(policy)));
    }

    /** The violations reported for {@code ring} only (other tests' rings may report concurrently). */
    private static List<PolicyViolation> on(Ring ring, List<PolicyViolation> all) {
        return all.stream().filter(v -> v.ringFd() == ring.fd()).toList();
    }

    @Test
    void aListenerReceivesTheArgumentFiltersDenialWithRingAndThread() throws Exception {
        Path file = Files.writeString(dir.resolve("f"), "x");
        List<PolicyViolation> seen = new CopyOnWriteArrayList<>();
        try (PolicyViolations.Registration reg = PolicyViolations.addListener(seen::add);
             Ring ring = ring(READ_ONLY); Arena arena = Arena.ofConfined()) {
            MemorySegment path = arena.allocateFrom(file.toString());
            assertThat(OneShot.run(ring, 1, s -> s.prepOpenat(AtFlags.FDCWD, path, OpenFlags.O_WRONLY, 0))).isEqualTo(EACCES);
            List<PolicyViolation> mine = on(ring, seen);
            assertThat(mine).hasSize(1);
            PolicyViolation v = mine.get(0);
            assertThat(v.layer()).isEqualTo(PolicyViolation.Layer.FILTER);
            assertThat(v.op()).isEqualTo("OPENAT");
            assertThat(v.reason()).contains("OPENAT").contains("write");
            assertThat(v.policy()).isEqualTo("audit-read-only");
            assertThat(v.thread()).isEqualTo(Thread.currentThread().getName());
            // the completion's exception carries the same reason and is not reported twice
            assertThat(AccessDenials.forCompletion(ring, Opcode.OPENAT, 1).getReason()).isEqualTo(v.reason());
            assertThat(on(ring, seen)).hasSize(1);
        }
    }

    @Test
    void aListenerReceivesTheKernelsDenialWhenTheCompletionIsTurnedIntoAnException() throws Exception {
        List<PolicyViolation> seen = new CopyOnWriteArrayList<>();
        try (PolicyViolations.Registration reg = PolicyViolations.addListener(seen::add); Ring ring = ring(READ_ONLY)) {
            // SOCKET is outside the policy: no Java filter sees it, the kernel's restrictions refuse it
            assertThat(OneShot.run(ring, 7, s -> s.prepSocket(SocketAddresses.AF_INET, 1, 0, 0))).isEqualTo(EACCES);
            assertThat(ring.denialReason(7)).isNull();
            assertThat(on(ring, seen)).isEmpty();
            AccessDeniedException e = AccessDenials.forCompletion(ring, Opcode.SOCKET, 7);
            assertThat(e.getFile()).isEqualTo("SOCKET");
            List<PolicyViolation> mine = on(ring, seen);
            assertThat(mine).singleElement().satisfies(v -> {
                assertThat(v.layer()).isEqualTo(PolicyViolation.Layer.KERNEL);
                assertThat(v.op()).isEqualTo("SOCKET");
                assertThat(v.reason()).isEqualTo(e.getReason()).contains("kernel").contains("audit-read-only");
            });
        }
    }

    @Test
    void sqeFlagsOutsideThePolicyOnAFilteredRingAreRefusedByTheKernelAndReportedAsKernel() throws Exception {
        List<PolicyViolation> seen = new CopyOnWriteArrayList<>();
        try (PolicyViolations.Registration reg = PolicyViolations.addListener(seen::add); Ring ring = ring(READ_ONLY)) {
            assertThat(OneShot.run(ring, 3, s -> s.prepNop().flags(dev.uring.core.SqeFlags.ASYNC))).isEqualTo(EACCES);
            assertThat(ring.denialReason(3)).isNull();
            assertThat(AccessDenials.forCompletion(ring, Opcode.NOP, 3).getReason()).contains("SQE flags");
            assertThat(on(ring, seen)).extracting(PolicyViolation::layer).containsExactly(PolicyViolation.Layer.KERNEL);
            assertThat(OneShot.run(ring, 4, Sqe::prepNop)).isZero();
        }
    }

    @Test
    void everyRefusedRegisterOpIsReported() throws Exception {
        List<PolicyViolation> seen = new CopyOnWriteArrayList<>();
        try (PolicyViolations.Registration reg = PolicyViolations.addListener(seen::add);
             Ring ring = ring(READ_ONLY); Arena arena = Arena.ofConfined()) {
            MemorySegment mem = arena.allocate(4096, 4096);
            assertThatThrownBy(() -> ring.registerBuffers(mem))
                    .isInstanceOf(AccessDeniedException.class).hasMessageContaining("BUFFERS");
            assertThat(on(ring, seen)).singleElement().satisfies(v -> {
                assertThat(v.layer()).isEqualTo(PolicyViolation.Layer.REGISTER);
                assertThat(v.op()).isEqualTo("BUFFERS");
                assertThat(v.reason()).contains("BUFFERS").contains("audit-read-only");
            });
        }
    }

    @Test
    void aClosedRegistrationReceivesNothingAndAThrowingListenerDoesNotFailTheRing() throws Exception {
        List<PolicyViolation> seen = new CopyOnWriteArrayList<>();
        PolicyViolations.Registration reg = PolicyViolations.addListener(seen::add);
        reg.close();
        reg.close();
        try (PolicyViolations.Registration bad = PolicyViolations.addListener(v -> {
            throw new IllegalStateException("listener bug");
        }); Ring ring = ring(RingPolicy.builder("no-read").allow(Opcode.NOP).build())) {
            MemorySegment buf = Arena.ofAuto().allocate(8);
            assertThat(OneShot.run(ring, 1, s -> s.prepRead(0, buf, 0))).isEqualTo(EACCES);
            assertThat(OneShot.run(ring, 2, Sqe::prepNop)).isZero();
        }
        assertThat(seen).isEmpty();
    }

    @Test
    void aJfrRecordingContainsTheViolationEventWithItsFields() throws Exception {
        Path jfr = dir.resolve("violations.jfr");
        Path file = Files.writeString(dir.resolve("g"), "x");
        int fd;
        try (Recording recording = new Recording()) {
            recording.enable("dev.uring.PolicyViolation");
            recording.start();
            try (Ring ring = ring(READ_ONLY); Arena arena = Arena.ofConfined()) {
                fd = ring.fd();
                MemorySegment path = arena.allocateFrom(file.toString());
                assertThat(OneShot.run(ring, 1, s -> s.prepOpenat(AtFlags.FDCWD, path, OpenFlags.O_RDWR, 0))).isEqualTo(EACCES);
                assertThat(OneShot.run(ring, 2, s -> s.prepSocket(SocketAddresses.AF_INET, 1, 0, 0))).isEqualTo(EACCES);
                AccessDenials.forCompletion(ring, Opcode.SOCKET, 2);
            }
            recording.stop();
            recording.dump(jfr);
        }
        List<RecordedEvent> events = RecordingFile.readAllEvents(jfr).stream()
                .filter(e -> e.getEventType().getName().equals("dev.uring.PolicyViolation"))
                .filter(e -> e.getInt("ringFd") == fd).toList();
        assertThat(events).hasSize(2);
        RecordedEvent filter = events.stream().filter(e -> e.getString("layer").equals("FILTER")).findFirst().orElseThrow();
        assertThat(filter.getString("op")).isEqualTo("OPENAT");
        assertThat(filter.getString("rule")).contains("write");
        assertThat(filter.getString("policy")).isEqualTo("audit-read-only");
        assertThat(filter.getThread().getJavaName()).isEqualTo(Thread.currentThread().getName());
        RecordedEvent kernel = events.stream().filter(e -> e.getString("layer").equals("KERNEL")).findFirst().orElseThrow();
        assertThat(kernel.getString("op")).isEqualTo("SOCKET");
        assertThat(kernel.getString("rule")).contains("kernel");
    }
}
