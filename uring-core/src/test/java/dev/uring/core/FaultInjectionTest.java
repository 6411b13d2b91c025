package dev.uring.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fault injection in child JVMs, so that the limits and filters never touch this process or the
 * machine: a low RLIMIT_NOFILE ({@code prlimit --nofile}), a low RLIMIT_MEMLOCK without
 * CAP_IPC_LOCK ({@code prlimit --memlock}, {@code setpriv}), a seccomp filter that refuses
 * io_uring_setup, a fake {@code kernel.io_uring_disabled} seen through a private mount namespace
 * (the real sysctl is never written), and native memory tracked by NMT across loop lifetimes. Each
 * child prints {@code CHECK} and {@code FIGURE} lines; every check must hold.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class FaultInjectionTest {
    @TempDir
    Path dir;

    private record Outcome(int exit, List<String> lines) {
        List<String> failed() {
            return lines.stream().filter(l -> l.startsWith("CHECK ") && l.contains(" FAIL ")).toList();
        }

        long checks() {
            return lines.stream().filter(l -> l.startsWith("CHECK ")).count();
        }

        /** The suite's report line: {@code head} pairs, the check count, then the child's figures. */
        void report(String suite, Object... head) {
            List<Object> kv = new ArrayList<>(List.of(head));
            kv.add("checks_passed");
            kv.add(checks());
            for (String l : lines) {
                if (l.startsWith("FIGURE ")) {
                    int eq = l.indexOf('=');
                    kv.add(l.substring(7, eq));
                    kv.add(l.substring(eq + 1).replace(' ', '_'));
                }
            }
            Invariants.report(suite, kv.toArray());
        }
    }

    private static List<String> java(String... jvmArgsThenScenario) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("--enable-native-access=ALL-UNNAMED");
        cmd.add("-Xshare:auto");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        for (String a : jvmArgsThenScenario) {
            if (a.equals("--")) {
                cmd.add(FaultInjectionChild.class.getName());
                continue;
            }
            cmd.add(a);
        }
        return cmd;
    }

    private static Outcome run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(5, TimeUnit.MINUTES)).as("child finished").isTrue();
        String text = new String(out, StandardCharsets.UTF_8);
        List<String> lines = text.lines().toList();
        Outcome o = new Outcome(p.exitValue(), lines);
        assertThat(text).as("child JVM crashed").doesNotContain("A fatal error has been detected");
        assertThat(o.failed()).as("failed checks in:\n%s", text).isEmpty();
        assertThat(o.exit()).as("child exit, output:\n%s", text).isZero();
        return o;
    }

    private static List<String> prefixed(List<String> prefix, List<String> java) {
        List<String> all = new ArrayList<>(prefix);
        all.addAll(java);
        return all;
    }

    @Test
    void fdExhaustionGivesAClearErrorAndEveryFdComesBack() throws Exception {
        int limit = 256;
        Outcome o = run(prefixed(List.of("prlimit", "--nofile=" + limit + ":" + limit),
                java("-Xmx256m", "-XX:TieredStopAtLevel=1", "--", "nofile")));
        o.report("fd-exhaustion", "rlimit_nofile", limit, "leaked_fds", 0, "crashes", 0);
    }

    /**
     * The first event loop of a process starting while fds are exhausted: the error names the
     * cause, and loops start again once fds are free.
     */
    @Test
    void aFailedFirstLoopStartNamesTheCauseAndLoopsStartOnceFdsAreFree() throws Exception {
        int limit = 256;
        Outcome o = run(prefixed(List.of("prlimit", "--nofile=" + limit + ":" + limit),
                java("-Xmx256m", "-XX:TieredStopAtLevel=1", "--", "first-loop-nofile")));
        o.report("first-loop-fd-exhaustion", "rlimit_nofile", limit);
    }

    @Test
    void registeredBuffersUnderALowMemlockLimitFailNamingTheLimit() throws Exception {
        // root holds CAP_IPC_LOCK, which lifts the limit: drop it for the child
        List<String> prefix = new ArrayList<>(List.of("prlimit", "--memlock=65536:65536"));
        if (hasCapability(14)) {
            prefix.addAll(List.of("setpriv", "--bounding-set=-ipc_lock", "--inh-caps=-ipc_lock"));
        }
        Outcome o = run(prefixed(prefix, java("-Xmx256m", "--", "memlock")));
        o.report("memlock-limit", "rlimit_memlock_bytes", 65536, "crashes", 0);
    }

    @Test
    void aSeccompFilterRefusingSetupIsDiagnosedAsSeccomp() throws Exception {
        Outcome o = run(java("-Xmx256m", "--", "seccomp"));
        o.report("diagnosis-seccomp");
    }

    /**
     * The sysctl branch of the diagnosis, without writing the sysctl: the child sees a fake
     * {@code /proc/sys/kernel/io_uring_disabled} bind-mounted in its own mount namespace, and a
     * seccomp filter makes io_uring_setup fail with EPERM as the sysctl would.
     */
    @Test
    void theSysctlIsNamedWhenItDisablesIoUring() throws Exception {
        Assumptions.assumeTrue(KernelFeature.IO_URING_DISABLED_SYSCTL.isAvailable(),
                KernelFeature.IO_URING_DISABLED_SYSCTL::missing);
        for (String value : List.of("2", "1")) {
            Path fake = Files.writeString(dir.resolve("io_uring_disabled-" + value), value + "\n");
            String javaCmd = String.join(" ", java("-Xmx256m", "--", "seccomp", "sysctl-" + value).stream()
                    .map(FaultInjectionTest::quote).toList());
            List<String> cmd = List.of("unshare", "--mount", "--propagation", "private", "sh", "-c",
                    "mount --bind " + quote(fake.toString()) + " /proc/sys/kernel/io_uring_disabled || exit 77; exec "
                            + javaCmd);
            Process probe = new ProcessBuilder("unshare", "--mount", "--propagation", "private", "true")
                    .redirectErrorStream(true).start();
            probe.getInputStream().readAllBytes();
            Assumptions.assumeTrue(probe.waitFor() == 0,
                    "no private mount namespace here (needs CAP_SYS_ADMIN): the sysctl branch is not testable");
            Outcome o = run(cmd);
            o.report("diagnosis-sysctl-" + value);
        }
        assertThat(Files.readString(Path.of("/proc/sys/kernel/io_uring_disabled")).trim())
                .as("the real sysctl is untouched").isEqualTo("0");
    }

    @Test
    void loopLifetimesLeaveNativeMemoryWhereItWas() throws Exception {
        int cycles = Invariants.scale(200, 5000);
        Outcome o = run(java("-Xmx256m", "-XX:NativeMemoryTracking=summary", "--", "nmt", Integer.toString(cycles)));
        o.report("native-memory");
    }

    private static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }

    /** Whether this process holds capability {@code bit} in its effective set. */
    private static boolean hasCapability(int bit) throws IOException {
        for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (l.startsWith("CapEff:")) {
                return (Long.parseUnsignedLong(l.substring(7).trim(), 16) & (1L << bit)) != 0;
            }
        }
        return false;
    }
}
