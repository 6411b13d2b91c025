/**
 * Micrometer metrics of reactive-uring runtimes ({@link dev.uring.reactor.metrics.UringMetrics}),
 * policies and fixed-file tables. Micrometer is an optional dependency: this package is used only
 * by applications that have it.
 */
@NullMarked
package dev.uring.reactor.metrics;

import org.jspecify.annotations.NullMarked;
