/**
 * The fixed-file table shared by the rings of an {@link dev.uring.core.loop.EventLoopGroup}: one
 * slot allocator for the group, so slot k names the same open file on every ring, reference-counted
 * {@link dev.uring.core.files.FixedFile} handles, and clone-files semantics for rings that join.
 *
 * <p>Restricted rings: on Linux 6.18 a ring with any restriction refuses every register op after it
 * is enabled. So the register-time work (IORING_REGISTER_FILES2 sparse, FILE_ALLOC_RANGE) happens
 * once, when the table is created or a ring joins, and everything later (install, propagate,
 * clear) uses SQE ops only: OPENAT/ACCEPT/SOCKET direct, FILES_UPDATE, MSG_RING SEND_FD and CLOSE
 * direct. A restricted ring must allow those ops, and must be attached before restrictions block
 * registration (or allow FILES2 and FILE_ALLOC_RANGE).
 */
@NullMarked
package dev.uring.core.files;

import org.jspecify.annotations.NullMarked;
