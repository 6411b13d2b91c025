/** Registered (fixed) buffers and provided buffer rings, their memory owned by an Arena. */
@NullMarked
package dev.uring.core.buffers;

import org.jspecify.annotations.NullMarked;
