/** Inherited io_uring restrictions. */
package dev.uring.policy;
