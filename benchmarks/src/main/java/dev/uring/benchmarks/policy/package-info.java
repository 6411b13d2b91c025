/** JMH benchmarks of uring-policy's cost: kernel restrictions and Java argument filters against no policy. */
@NullMarked
package dev.uring.benchmarks.policy;

import org.jspecify.annotations.NullMarked;
