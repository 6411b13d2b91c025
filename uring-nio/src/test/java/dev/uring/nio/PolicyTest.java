package dev.uring.nio;

import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.uring.core.KernelFeature;
import dev.uring.policy.PolicyProfiles;
import dev.uring.policy.PolicyScope;
import dev.uring.policy.RingPolicy;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousFileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A channel opened inside a policy scope runs on rings created for that policy through core's ring
 * creation path, so the kernel (and the policy's argument filters) refuse what the policy forbids; a
 * scope that opened first does not restrict channels opened outside any scope.
 */
@Timeout(60)
class PolicyTest {
    @TempDir
    Path dir;

    @Test
    void aReadOnlyScopeLetsReadsThroughAndRefusesOpeningForWrite() throws Exception {
        Path f = dir.resolve("data");
        Files.write(f, "policy".getBytes());
        RingPolicy readOnly = PolicyProfiles.builtIn("read-only-files");
        try (AsynchronousFileChannel ch = PolicyScope.call(readOnly, () -> UringAsynchronousFileChannel.open(f, READ))) {
            assertThat(ch).isInstanceOf(UringAsynchronousFileChannel.class);
            ByteBuffer b = ByteBuffer.allocate(6);
            assertThat(ch.read(b, 0).get()).isEqualTo(6);
            assertThat(new String(b.array())).isEqualTo("policy");
            // STATX is allowed by the profile, FSYNC is not: the kernel refuses the op
            assertThat(ch.size()).isEqualTo(6);
            assertThatThrownBy(() -> ch.force(true)).isInstanceOf(AccessDeniedException.class);
        }
        assertThatThrownBy(() -> PolicyScope.call(readOnly, () -> UringAsynchronousFileChannel.open(f, READ, WRITE)))
                .isInstanceOf(AccessDeniedException.class);
        // outside the scope the same open works: the scope's loops are its own
        try (AsynchronousFileChannel ch = UringAsynchronousFileChannel.open(f, READ, WRITE)) {
            assertThat(ch.write(ByteBuffer.wrap("P".getBytes()), 0).get()).isEqualTo(1);
            ch.force(true);
        }
        assertThat(Files.readString(f)).isEqualTo("Policy");
    }

    @Test
    void theTruncateFallbackAsksThePolicyFirst() throws Exception {
        Path f = dir.resolve("t");
        Files.write(f, new byte[100]);
        RingPolicy noTruncate = PolicyProfiles.parse("""
                uring-policy 1
                name no-truncate
                allow-ops ALL
                deny-ops FTRUNCATE
                allow-register-ops ALL
                allow-sqe-flags ALL
                """, "test");
        try (UringAsynchronousFileChannel ch = (UringAsynchronousFileChannel) PolicyScope.call(noTruncate,
                () -> UringAsynchronousFileChannel.open(f, READ, WRITE))) {
            assertThatThrownBy(() -> ch.truncateTo(10, false)).isInstanceOf(AccessDeniedException.class);
            if (KernelFeature.FTRUNCATE.isAvailable()) {
                // before 6.9 the kernel has no such op to refuse (EINVAL): only the fallback is asked
                assertThatThrownBy(() -> ch.truncateTo(10, true)).isInstanceOf(AccessDeniedException.class);
            }
            assertThat(ch.size()).isEqualTo(100);
        }
        // without a policy, the syscall fallback (the path kernels before 6.9 take) truncates
        try (UringAsynchronousFileChannel ch = (UringAsynchronousFileChannel) UringAsynchronousFileChannel.open(f, WRITE)) {
            ch.truncateTo(10, false);
            assertThat(ch.size()).isEqualTo(10);
        }
        assertThat(Files.size(f)).isEqualTo(10);
    }

    @Test
    void locksAreTheJdksAndWorkUnderAnyPolicy() throws Exception {
        Path f = dir.resolve("w");
        Files.write(f, new byte[10]);
        RingPolicy readOnly = PolicyProfiles.builtIn("read-only-files");
        try (AsynchronousFileChannel ch = PolicyScope.call(readOnly, () -> UringAsynchronousFileChannel.open(f, READ))) {
            java.nio.channels.FileLock l = ch.lock(0, 1, true).get();
            assertThat(l.isShared()).isTrue();
            l.release();
        }
    }
}
