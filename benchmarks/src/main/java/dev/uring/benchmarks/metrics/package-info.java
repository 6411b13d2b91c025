/**
 * The cost of metrics (issue 20): the same work with counting off and on, so that "off costs nothing
 * measurable, on costs at most 3 %" can be read from one run.
 */
@NullMarked
package dev.uring.benchmarks.metrics;

import org.jspecify.annotations.NullMarked;
