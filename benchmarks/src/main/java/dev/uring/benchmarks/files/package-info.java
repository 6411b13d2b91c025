/**
 * Benchmarks of the fixed-file table shared by an event loop group's rings: random reads through
 * a shared fixed slot against a plain fd, and the latency of installing a file into every ring.
 */
@NullMarked
package dev.uring.benchmarks.files;

import org.jspecify.annotations.NullMarked;
