/**
 * The benchmark report of {@code benchmarks/run-all.sh}: reads the {@code <name>.tsv} result files
 * of every comparison script and writes {@code REPORT.md} with one table and one XChart chart per
 * issue.
 */
@NullMarked
package dev.uring.benchmarks.report;

import org.jspecify.annotations.NullMarked;
