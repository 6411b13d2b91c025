/** Event loops: one thread owning one ring, and a group of them (one per core). */
@NullMarked
package dev.uring.core.loop;

import org.jspecify.annotations.NullMarked;
