package dev.uring.benchmarks.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportTest {
    private static final String H = ResultFile.HEADER_WITHOUT_CPU + "\n";
    private static final Machine MACHINE = new Machine("Test CPU", 2, "4.0 GiB", "Linux 6.18", "JDK 25");
    private static final Report.Run RUN = new Report.Run("quick", "42", "", ZonedDateTime.now(ZoneOffset.UTC),
            "benchmarks/run-all.sh --quick --rounds 3");

    @Test
    void missedTargetRendersAsNotMetAndMetAsYes(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("core.tsv"), H
                + "2\tNOP batch 32\t1.1e+07\t1.2e+07\tops/s\t0.9000\t0.8900\t0.9700\t>= 0.95\tno\n"
                + "2\tNOP batch 1\t2.6e+06\t2.8e+06\tops/s\t0.9200\t0.8200\t0.9300\t>= 0.90\tyes\n"
                + "2\tbytes per op\t0\t-\tB/op\t0.0000\t0.0000\t0.0000\t<= 0\tyes\n");

        String md = Files.readString(Report.write(dir, RUN, MACHINE));

        assertThat(md).contains("| 1 | NOP batch 32 | 11.00 M | 12.00 M | ops/s | - / - | 0.90x (0.89-0.97) | >= 0.95 | **no** |");
        assertThat(md).contains("| 2 | NOP batch 1 | 2.60 M | 2.80 M | ops/s | - / - | 0.92x (0.82-0.93) | >= 0.90 | yes |");
        assertThat(md).contains("| 3 | bytes per op | 0.00 | - | B/op | - / - | 0.00 (0.00-0.00) | <= 0 | yes |");
        assertThat(md).contains("Targets met: **2 of 3**");
        assertThat(md).contains("Command: `benchmarks/run-all.sh --quick --rounds 3`");
        assertThat(md).contains("| CPU | Test CPU |", "| kernel | Linux 6.18 |", "| mode | quick |");
        assertThat(md).contains("![issue 2](issue-2.png)");
        assertThat(dir.resolve("issue-2.png")).isNotEmptyFile();
    }

    @Test
    void cpuPerOpShowsNextToThroughput(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("core.tsv"), ResultFile.HEADER + "\n"
                + "2\thot reads\t800000\t700000\tops/s\t1.1400\t1.1000\t1.2000\t>= 1.10\tyes\t1.234\t2.5\n"
                + "2\tno peer CPU\t800000\t700000\tops/s\t1.1400\t1.1000\t1.2000\t-\tinfo\t0.05\t-\n");

        String md = Files.readString(Report.write(dir, RUN, MACHINE));

        assertThat(md).contains("| 1 | hot reads | 800 k | 700 k | ops/s | 1.23 / 2.50 | 1.14x (1.10-1.20) | >= 1.10 | yes |");
        assertThat(md).contains("| 2 | no peer CPU | 800 k | 700 k | ops/s | 0.050 / - | 1.14x");
        assertThatThrownBy(() -> ResultFile.parse("core.tsv", List.of(ResultFile.HEADER,
                "2\tNOP\t1\t2\tops/s\t0.5\t0.5\t0.5\t>= 1.0\tno")))
                .hasMessage("core.tsv:2: expected 12 tab-separated columns, got 10");
    }

    @Test
    void missingScriptIsListedAsNotRun(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("status.tsv"), "script\tstatus\tseconds\ncore\tok\t80\ntcp\tnot run: script missing\t0\n");
        Files.writeString(dir.resolve("core.md"), "# Core\n\nCommand: `benchmarks/run-core.sh --quick --rounds 3`, 3 rounds.\n");
        Files.writeString(dir.resolve("core.tsv"), H + "2\tx\tn/a\tn/a\tops/s\tn/a\tn/a\tn/a\t>= 1.10\tno data\n");
        // run-tcp.sh writes "-" where a cell had no samples
        Files.writeString(dir.resolve("tcp.tsv"), H + "6\tping-pong\t-\t-\treq/s\t-\t-\t-\t>= 1.20\tno\n");

        String md = Files.readString(Report.write(dir, RUN, MACHINE));

        assertThat(md).contains("| run-tcp.sh | not run: script missing | 0 | - |",
                "| run-core.sh | ok | 80 | `benchmarks/run-core.sh --quick --rounds 3` |");
        assertThat(md).contains("| no data | >= 1.10 | no data |");
        assertThat(md).contains("| 1 | ping-pong | n/a | - | req/s | - / - | no data | >= 1.20 | **no** |");
        assertThat(md).doesNotContain("issue-2.png");
    }

    @Test
    void malformedTsvFailsNamingFileLineAndProblem() {
        assertThatThrownBy(() -> ResultFile.parse("core.tsv", List.of("issue\tcomparison")))
                .hasMessageContaining("core.tsv:1: the first line must be the header");
        assertThatThrownBy(() -> ResultFile.parse("core.tsv", List.of(ResultFile.HEADER_WITHOUT_CPU, "2\tNOP\t1\t2\tops/s\t0.5")))
                .hasMessage("core.tsv:2: expected 10 tab-separated columns, got 6");
        assertThatThrownBy(() -> ResultFile.parse("core.tsv",
                List.of(ResultFile.HEADER_WITHOUT_CPU, "2\tNOP\t1\t2\tops/s\tfast\t0.5\t0.5\t>= 1.0\tno")))
                .hasMessage("core.tsv:2: ratio_median must be a number, n/a or -, got 'fast'");
        assertThatThrownBy(() -> ResultFile.parse("core.tsv",
                List.of(ResultFile.HEADER_WITHOUT_CPU, "2\tNOP\t1\t2\tops/s\t0.5\t0.5\t0.5\t> 1\tno")))
                .hasMessage("core.tsv:2: target must be '>= X', '<= X' or '-', got '> 1'");
        assertThatThrownBy(() -> ResultFile.parse("core.tsv",
                List.of(ResultFile.HEADER_WITHOUT_CPU, "2\tNOP\t1\t2\tops/s\t0.5\t0.5\t0.5\t>= 1.0\tmaybe")))
                .hasMessage("core.tsv:2: met must be yes, no, info or 'no data', got 'maybe'");
    }
}
