package dev.uring.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The process-wide base policy, checked in a child JVM because it can never be unset. */
@Timeout(120)
class BasePolicyTest {
    @Test
    void theBasePolicyAppliesEverywhereCannotBeWidenedAndCannotBeSetTwice() throws Exception {
        String java = ProcessHandle.current().info().command().orElse(System.getProperty("java.home") + "/bin/java");
        Process p = new ProcessBuilder(List.of(java, "--enable-native-access=ALL-UNNAMED", "-cp",
                System.getProperty("java.class.path"), BasePolicyChild.class.getName()))
                .redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        boolean exited = p.waitFor(90, TimeUnit.SECONDS);
        if (!exited) {
            p.destroyForcibly();
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(exited).as(out).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).contains("OK second registration refused: a base ring policy is already set (no-network)")
                .contains("OK socket denied without a scope").contains("OK a scope cannot widen the base")
                .contains("ALL OK");
    }
}
