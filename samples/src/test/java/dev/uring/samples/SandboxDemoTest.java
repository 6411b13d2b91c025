package dev.uring.samples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uring.policy.PolicyViolation;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The sandbox demo on the real kernel: the read works, the kernel and the filter each refuse one op, both audited. */
@Timeout(60)
class SandboxDemoTest {
    @TempDir
    Path dir;

    @Test
    void readSucceedsSocketIsRefusedByTheKernelAndOpenForWriteByTheFilter() throws Exception {
        Path file = Files.writeString(dir.resolve("in.txt"), "sandboxed read\n");
        SandboxDemo.Outcome o = SandboxDemo.run(file);
        assertThat(o.text()).isEqualTo("sandboxed read\n");
        assertThat(o.socketDenied().getFile()).isEqualTo("SOCKET");
        assertThat(o.socketDenied().getReason()).contains("kernel").contains("read-only-files");
        assertThat(o.writeDenied().getFile()).isEqualTo("OPENAT");
        assertThat(o.writeDenied().getReason()).contains("write");
        assertThat(o.audit()).extracting(PolicyViolation::layer, PolicyViolation::op).containsExactly(
                org.assertj.core.groups.Tuple.tuple(PolicyViolation.Layer.KERNEL, "SOCKET"),
                org.assertj.core.groups.Tuple.tuple(PolicyViolation.Layer.FILTER, "OPENAT"));
        assertThat(Files.readString(file)).isEqualTo("sandboxed read\n");
    }
}
