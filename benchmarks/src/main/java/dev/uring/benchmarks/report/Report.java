package dev.uring.benchmarks.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Renders the benchmark report of {@code benchmarks/run-all.sh}: reads every {@code <name>.tsv} of the
 * run's directory and writes {@code REPORT.md} there, with the machine's description, one table per
 * issue (every ratio next to its target, met or not) and one chart per issue ({@code issue-<n>.png}).
 *
 * <p>Usage: {@code Report --dir DIR [--mode quick|full] [--seconds N] [--note TEXT] [--command TEXT]}.
 */
public final class Report {
    /** The scripts run-all.sh runs, in its order. */
    static final List<String> SCRIPTS = List.of("core", "reactor", "policy", "metrics", "files", "nio", "tcp", "webflux", "udp");
    private static final Map<Integer, String> ISSUES = Map.of(
            2, "uring-core: the ring vs C liburing, fio (tuned) and the JDK",
            3, "shared fixed-file table vs plain fds",
            4, "uring-policy: the cost of a ring policy",
            5, "uring-reactor: reactive files vs virtual threads, boundedElastic, fio and Spring",
            6, "TCP ping-pong vs Netty epoll, Netty io_uring, Reactor Netty and virtual threads",
            7, "WebFlux file server vs a stock Spring Boot app and nginx",
            17, "EventLoop hand-off vs the bare ring, and the same design in C",
            19, "uring-nio: AsynchronousFileChannel on io_uring vs the JDK's",
            20, "metrics: the cost of counting and meters",
            21, "UDP request/response vs Netty epoll and io_uring datagram channels; zero-copy sends");

    private Report() {
    }

    /**
     * Writes REPORT.md and the charts.
     *
     * @param args {@code --dir DIR} (required), {@code --mode}, {@code --seconds}, {@code --note},
     *             {@code --command} (the exact run-all.sh command line, rounds included)
     * @throws IOException when a result file cannot be read or the report cannot be written
     */
    public static void main(String[] args) throws IOException {
        Map<String, String> opts = options(args);
        Path dir = Path.of(opts.getOrDefault("--dir", "."));
        String mode = opts.getOrDefault("--mode", "full");
        Run run = new Run(mode, opts.getOrDefault("--seconds", "?"), opts.getOrDefault("--note", ""),
                ZonedDateTime.now(ZoneOffset.UTC), opts.getOrDefault("--command", "benchmarks/run-all.sh --" + mode));
        Path report = write(dir, run, Machine.current());
        System.out.println("report written to " + report);
    }

    /** What run-all.sh tells the report about the run; {@code command} is the exact command line it ran. */
    record Run(String mode, String seconds, String note, ZonedDateTime date, String command) {
    }

    /** Reads the TSVs of {@code dir}, writes the charts and REPORT.md there; returns REPORT.md's path. */
    static Path write(Path dir, Run run, Machine machine) throws IOException {
        Map<String, List<ResultRow>> byScript = new LinkedHashMap<>();
        for (String name : SCRIPTS) {
            Path tsv = dir.resolve(name + ".tsv");
            if (Files.exists(tsv)) {
                byScript.put(name, ResultFile.read(tsv));
            }
        }
        Map<Integer, List<ResultRow>> byIssue = new TreeMap<>();
        byScript.values().forEach(rows -> rows.forEach(r -> byIssue.computeIfAbsent(r.issue(), i -> new ArrayList<>()).add(r)));
        List<Integer> charted = new ArrayList<>();
        for (Map.Entry<Integer, List<ResultRow>> e : byIssue.entrySet()) {
            if (RatioChart.hasRatios(e.getValue())) {
                RatioChart.write("Issue " + e.getKey() + ": " + title(e.getKey()), e.getValue(),
                        dir.resolve(chartFile(e.getKey())));
                charted.add(e.getKey());
            }
        }
        Path report = dir.resolve("REPORT.md");
        Files.writeString(report, markdown(run, machine, status(dir), commands(dir), byScript.keySet(), byIssue, charted));
        return report;
    }

    /** The Markdown of the report. */
    static String markdown(Run run, Machine machine, Map<String, String> status, Map<String, String> commands,
                           Iterable<String> scriptsWithResults, Map<Integer, List<ResultRow>> byIssue, List<Integer> charted) {
        StringBuilder md = new StringBuilder();
        md.append("# reactive-uring benchmark report\n\n");
        if (!run.note().isBlank()) {
            md.append("> **").append(run.note()).append("**\n\n");
        }
        md.append("Command: `").append(run.command()).append("`, ")
                .append(run.date().format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'", Locale.ROOT)))
                .append(", ").append(run.seconds()).append(" s in all.\n\n");
        md.append("| machine | |\n|---|---|\n")
                .append("| CPU | ").append(machine.cpu()).append(" |\n")
                .append("| cores | ").append(machine.cores()).append(" |\n")
                .append("| memory | ").append(machine.memory()).append(" |\n")
                .append("| kernel | ").append(machine.kernel()).append(" |\n")
                .append("| JDK | ").append(machine.jdk()).append(" |\n")
                .append("| mode | ").append(run.mode()).append(" |\n\n");
        md.append("Every comparison runs both sides alternately in the same run (A, B, A, B ...). Ratio = Java / peer\n")
                .append("within one round: the median over rounds, with the min-max spread. Rows without a peer give the\n")
                .append("figure itself (e.g. B/op). CPU us/op = user + system CPU microseconds per operation of the process\n")
                .append("that did the work (a JMH fork, fio, a server under load), each side's median over rounds; \"-\" where not\n")
                .append("measured. A row whose peer failed (errors from fio or wrk) is shown with FAILED in its label and not met.\n")
                .append("Each script's own Markdown (linked per issue) has the details and raw samples.\n\n");
        long met = count(byIssue, ResultRow.Met.YES);
        long missed = count(byIssue, ResultRow.Met.NO);
        md.append("Targets met: **").append(met).append(" of ").append(met + missed).append("**");
        long noData = count(byIssue, ResultRow.Met.NO_DATA);
        md.append(noData > 0 ? " (" + noData + " comparisons without data)" : "").append(".\n\n");

        md.append("| script | status | seconds | its command (rounds included) |\n|---|---|---:|---|\n");
        for (String name : SCRIPTS) {
            String[] s = status.getOrDefault(name, "not run\t-").split("\t", 2);
            String command = commands.get(name);
            md.append("| run-").append(name).append(".sh | ").append(s[0]).append(" | ").append(s.length > 1 ? s[1] : "-")
                    .append(" | ").append(command == null ? "-" : "`" + command + "`").append(" |\n");
        }
        md.append('\n');
        for (Map.Entry<Integer, List<ResultRow>> e : byIssue.entrySet()) {
            int issue = e.getKey();
            md.append("## Issue ").append(issue).append(": ").append(title(issue)).append("\n\n");
            if (charted.contains(issue)) {
                md.append("![issue ").append(issue).append("](").append(chartFile(issue)).append(")\n\n");
            }
            md.append("| # | comparison | Java | peer | unit | CPU us/op Java / peer | ratio median (min-max) | target | met |\n")
                    .append("|---:|---|---:|---:|---|---:|---:|---:|:---:|\n");
            int n = 0;
            for (ResultRow r : e.getValue()) {
                md.append("| ").append(++n).append(" | ").append(r.comparison()).append(" | ").append(figure(r.java()))
                        .append(" | ").append(r.hasPeer() ? figure(r.peer()) : "-").append(" | ").append(r.unit())
                        .append(" | ").append(cpu(r.javaCpuPerOp())).append(" / ").append(cpu(r.peerCpuPerOp()))
                        .append(" | ").append(ratio(r)).append(" | ").append(r.target()).append(" | ")
                        .append(r.met().markdown()).append(" |\n");
            }
            md.append('\n');
        }
        md.append("Details: ");
        List<String> links = new ArrayList<>();
        scriptsWithResults.forEach(name -> links.add("[" + name + "](" + name + ".md)"));
        md.append(links.isEmpty() ? "no script produced results." : String.join(", ", links) + ".").append('\n');
        return md.toString();
    }

    static String chartFile(int issue) {
        return "issue-" + issue + ".png";
    }

    private static String title(int issue) {
        return ISSUES.getOrDefault(issue, "issue " + issue);
    }

    private static long count(Map<Integer, List<ResultRow>> byIssue, ResultRow.Met met) {
        return byIssue.values().stream().flatMap(List::stream).filter(r -> r.met() == met).count();
    }

    static String figure(double x) {
        if (Double.isNaN(x)) {
            return "n/a";
        }
        double a = Math.abs(x);
        return a >= 1e6 ? String.format(Locale.ROOT, "%.2f M", x / 1e6)
                : a >= 1e4 ? String.format(Locale.ROOT, "%.0f k", x / 1e3)
                : a >= 100 ? String.format(Locale.ROOT, "%.0f", x)
                : String.format(Locale.ROOT, "%.2f", x);
    }

    /** CPU microseconds per op, 3 significant digits; "-" when not measured. */
    static String cpu(double us) {
        return Double.isNaN(us) ? "-" : String.format(Locale.ROOT, us >= 100 ? "%.0f" : us >= 10 ? "%.1f" : us >= 1 ? "%.2f" : "%.3f", us);
    }

    private static String ratio(ResultRow r) {
        if (Double.isNaN(r.ratioMedian())) {
            return "no data";
        }
        if (!r.hasPeer()) {
            return figure(r.ratioMedian()) + " (" + figure(r.ratioMin()) + "-" + figure(r.ratioMax()) + ")";
        }
        return String.format(Locale.ROOT, "%.2fx (%.2f-%.2f)", r.ratioMedian(), r.ratioMin(), r.ratioMax());
    }

    /**
     * The command line each script's Markdown ({@code <name>.md}) names on its first {@code Command: `...`}
     * line (with the rounds it ran), by script name; scripts without one are absent.
     */
    static Map<String, String> commands(Path dir) throws IOException {
        Map<String, String> commands = new LinkedHashMap<>();
        for (String name : SCRIPTS) {
            Path md = dir.resolve(name + ".md");
            if (!Files.exists(md)) {
                continue;
            }
            for (String line : Files.readAllLines(md)) {
                int start = line.indexOf("Command: `");
                if (start >= 0) {
                    int from = start + "Command: `".length();
                    int end = line.indexOf('`', from);
                    if (end > from) {
                        commands.put(name, line.substring(from, end));
                    }
                    break;
                }
            }
        }
        return commands;
    }

    /** status.tsv of run-all.sh: script, status, seconds; empty when absent (a report of hand-made TSVs). */
    private static Map<String, String> status(Path dir) throws IOException {
        Map<String, String> status = new LinkedHashMap<>();
        Path file = dir.resolve("status.tsv");
        if (Files.exists(file)) {
            for (String line : Files.readAllLines(file).stream().skip(1).toList()) {
                String[] f = line.split("\t", 2);
                if (f.length == 2) {
                    status.put(f[0], f[1]);
                }
            }
        }
        return status;
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> opts = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!List.of("--dir", "--mode", "--seconds", "--note", "--command").contains(a)) {
                throw new IllegalArgumentException("unknown argument " + a
                        + " (expected --dir DIR, --mode, --seconds, --note, --command)");
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(a + " needs a value");
            }
            opts.put(a, args[++i]);
        }
        if (!opts.containsKey("--dir")) {
            throw new IllegalArgumentException("--dir DIR is required (the directory of the <name>.tsv files)");
        }
        return opts;
    }
}
