/**
 * Inherited io_uring restrictions: {@link dev.uring.policy.RingPolicy} (what rings may do),
 * {@link dev.uring.policy.PolicyScope} (which rings get it), {@link dev.uring.policy.PolicyProfiles}
 * (policies as text) and {@link dev.uring.policy.TaskPolicy} (the kernel's own task-level layer, Linux 7.0).
 */
@NullMarked
package dev.uring.policy;

import org.jspecify.annotations.NullMarked;
