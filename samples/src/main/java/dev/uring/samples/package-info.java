/** Runnable apps a newcomer tries first: each has a {@code main} that needs no arguments. */
@NullMarked
package dev.uring.samples;

import org.jspecify.annotations.NullMarked;
