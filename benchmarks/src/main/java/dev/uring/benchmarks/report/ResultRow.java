package dev.uring.benchmarks.report;

import java.util.OptionalDouble;

/**
 * One comparison of a result TSV: the Java and peer medians, the median Java/peer ratio with its
 * min/max over rounds, and the target. A row without a peer ({@code hasPeer} false, "-" in the TSV)
 * holds the Java figure itself in its ratio columns (e.g. bytes per op). Figures the script had no
 * samples for ("n/a") are NaN, and so are the CPU microseconds per op of a side that were not measured.
 */
record ResultRow(int issue, String comparison, double java, boolean hasPeer, double peer, String unit,
                 double ratioMedian, double ratioMin, double ratioMax, String target, Met met,
                 double javaCpuPerOp, double peerCpuPerOp) {

    /** Whether the row met its target, as the script judged it. */
    enum Met {
        YES("yes"), NO("**no**"), INFO("info"), NO_DATA("no data");

        private final String markdown;

        Met(String markdown) {
            this.markdown = markdown;
        }

        /** How the report's tables show it (a missed target in bold). */
        String markdown() {
            return markdown;
        }

        static Met parse(String s) {
            return switch (s) {
                case "yes" -> YES;
                case "no" -> NO;
                case "info" -> INFO;
                case "no data" -> NO_DATA;
                default -> throw new IllegalArgumentException("met must be yes, no, info or 'no data', got '" + s + "'");
            };
        }
    }

    /** The numeric bound of the target (">= 0.98" gives 0.98), empty when there is none ("-"). */
    OptionalDouble targetValue() {
        return target.equals("-") ? OptionalDouble.empty() : OptionalDouble.of(Double.parseDouble(target.substring(3)));
    }
}
