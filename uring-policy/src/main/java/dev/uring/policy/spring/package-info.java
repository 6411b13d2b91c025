/** Spring Boot auto-configuration that switches policy propagation across Reactor hops on. */
@NullMarked
package dev.uring.policy.spring;

import org.jspecify.annotations.NullMarked;
