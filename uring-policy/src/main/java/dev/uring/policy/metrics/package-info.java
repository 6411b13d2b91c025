/** Micrometer meters of ring policies (an optional dependency): the refusals, by policy, op and layer. */
@NullMarked
package dev.uring.policy.metrics;

import org.jspecify.annotations.NullMarked;
