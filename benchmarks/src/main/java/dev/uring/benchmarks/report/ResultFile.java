package dev.uring.benchmarks.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** Parses one {@code <name>.tsv} of the benchmark result contract (benchmarks/README.md). */
final class ResultFile {
    /** The header line every result TSV starts with, exactly: the last two columns are CPU us/op of each side. */
    static final String HEADER = "issue\tcomparison\tjava\tpeer\tunit\tratio_median\tratio_min\tratio_max\ttarget\tmet"
            + "\tjava_cpu_us_per_op\tpeer_cpu_us_per_op";
    /** The header of result TSVs written before CPU per op was measured (the committed older runs). */
    static final String HEADER_WITHOUT_CPU = HEADER.substring(0, HEADER.indexOf("\tjava_cpu"));
    private static final Pattern TARGET = Pattern.compile("-|(>=|<=) -?[0-9]+(\\.[0-9]+)?");
    private static final int COLUMNS = 12;
    private static final int COLUMNS_WITHOUT_CPU = 10;

    private ResultFile() {
    }

    /** Reads a result TSV; any deviation from the contract fails naming the file, line and problem. */
    static List<ResultRow> read(Path file) throws IOException {
        return parse(file.getFileName().toString(), Files.readAllLines(file));
    }

    /** Parses the lines of a result TSV named {@code source} (for error messages). */
    static List<ResultRow> parse(String source, List<String> lines) {
        if (lines.isEmpty() || !(lines.getFirst().equals(HEADER) || lines.getFirst().equals(HEADER_WITHOUT_CPU))) {
            throw new IllegalArgumentException(source + ":1: the first line must be the header '"
                    + HEADER.replace("\t", "<TAB>") + "'");
        }
        int columns = lines.getFirst().equals(HEADER) ? COLUMNS : COLUMNS_WITHOUT_CPU;
        List<ResultRow> rows = new ArrayList<>();
        for (int i = 1; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank()) {
                continue;
            }
            try {
                rows.add(row(line, columns));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(source + ":" + (i + 1) + ": " + e.getMessage(), e);
            }
        }
        return rows;
    }

    private static ResultRow row(String line, int columns) {
        String[] f = line.split("\t", -1);
        if (f.length != columns) {
            throw new IllegalArgumentException("expected " + columns + " tab-separated columns, got " + f.length);
        }
        int issue;
        try {
            issue = Integer.parseInt(f[0]);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("issue must be a number, got '" + f[0] + "'");
        }
        if (f[1].isBlank()) {
            throw new IllegalArgumentException("comparison is empty");
        }
        if (!TARGET.matcher(f[8]).matches()) {
            throw new IllegalArgumentException("target must be '>= X', '<= X' or '-', got '" + f[8] + "'");
        }
        ResultRow.Met met = ResultRow.Met.parse(f[9]);
        boolean hasPeer = !f[3].equals("-");
        return new ResultRow(issue, f[1], number("java", f[2]), hasPeer, hasPeer ? number("peer", f[3]) : Double.NaN,
                f[4], number("ratio_median", f[5]), number("ratio_min", f[6]), number("ratio_max", f[7]), f[8], met,
                columns == COLUMNS ? number("java_cpu_us_per_op", f[10]) : Double.NaN,
                columns == COLUMNS ? number("peer_cpu_us_per_op", f[11]) : Double.NaN);
    }

    private static double number(String column, String s) {
        if (s.equals("n/a") || s.equals("-")) {
            return Double.NaN;
        }
        try {
            double v = Double.parseDouble(s);
            if (Double.isFinite(v)) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(column + " must be a number, n/a or -, got '" + s + "'");
    }
}
