package dev.uring.nio;

import static java.nio.file.StandardOpenOption.READ;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.channels.AsynchronousFileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where io_uring is unusable the JDK's channel is used and the reason logged once. The reason is
 * handed in (as IoUring.unavailabilityCause() would give it on a host that refuses io_uring).
 */
class JdkFallbackTest {
    @TempDir
    Path dir;

    @Test
    void aHostWithIoUringDoesNotFallBack() {
        assertThat(JdkFallback.INSTANCE.needed()).isFalse();
        assertThat(JdkFallback.INSTANCE.logged()).isFalse();
    }

    @Test
    void withoutIoUringTheJdksChannelIsUsedAndTheReasonLoggedOnce() throws IOException {
        JdkFallback refused = new JdkFallback(() -> new IOException("io_uring_setup failed: EPERM: disabled by sysctl"));
        assertThat(refused.logged()).isFalse();
        assertThat(refused.needed()).isTrue();
        assertThat(refused.logged()).isTrue();
        assertThat(refused.needed()).isTrue();
        Path f = dir.resolve("f");
        Files.write(f, new byte[3]);
        try (AsynchronousFileChannel ch = JdkFallback.open(f, Set.of(READ), null)) {
            assertThat(ch).isNotInstanceOf(UringAsynchronousFileChannel.class);
            assertThat(ch.size()).isEqualTo(3);
        }
    }
}
