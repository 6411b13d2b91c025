/** Internal: FFM downcalls, kernel struct layouts and constants. Not exported; nothing else in the project touches FFM. */
@NullMarked
package dev.uring.core.ffi;

import org.jspecify.annotations.NullMarked;
