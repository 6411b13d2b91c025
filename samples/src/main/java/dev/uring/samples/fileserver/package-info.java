/**
 * The main sample: a Spring Boot WebFlux file server whose file bodies and uploads go through
 * io_uring (reactive-uring's auto-configuration), with Range requests, JSON directory listings,
 * PUT uploads, and every path confined to the served root.
 */
@NullMarked
package dev.uring.samples.fileserver;

import org.jspecify.annotations.NullMarked;
