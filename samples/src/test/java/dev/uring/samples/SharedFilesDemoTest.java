package dev.uring.samples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class SharedFilesDemoTest {
    @TempDir
    Path dir;

    @Test
    void everyLoopReadsEveryFileThroughItsSharedSlotAndReleaseClearsEveryRing() throws Exception {
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        SharedFilesDemo.Outcome o = SharedFilesDemo.run(3, dir, new PrintStream(text, true, StandardCharsets.UTF_8));

        assertThat(o.loops()).isEqualTo(3);
        assertThat(o.reads()).hasSize(3 * o.files());
        assertThat(o.reads()).allSatisfy(r -> {
            assertThat(r.matched()).as("%s", r).isTrue();
            assertThat(r.bytes()).isPositive();
        });
        // each file is read through one slot number on every loop, and files have distinct slots
        for (int loop = 0; loop < 3; loop++) {
            int l = loop;
            assertThat(o.reads().stream().filter(r -> r.loop() == l).map(SharedFilesDemo.SlotRead::slot).distinct())
                    .hasSize(o.files());
        }
        assertThat(o.reads().stream().map(r -> r.file() + "@" + r.slot()).distinct()).hasSize(o.files());
        assertThat(o.slotsInUseAfter()).isZero();
        assertThat(o.afterRelease()).hasSize(3 * o.files())
                .allSatisfy(c -> assertThat(c.result()).as("%s", c).isEqualTo("EBADF"));
        assertThat(o.ok()).isTrue();
        assertThat(text.toString(StandardCharsets.UTF_8)).contains("loop 2 read slot", "content matches")
                .doesNotContain("MISMATCH");
    }
}
