/** The io_uring ring: setup, registration, SQE preparation, CQE reaping, probing and errors. */
@NullMarked
package dev.uring.core;

import org.jspecify.annotations.NullMarked;
