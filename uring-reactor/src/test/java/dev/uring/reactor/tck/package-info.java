/**
 * The Reactive Streams TCK (1.0.4, TestNG, run by the JUnit Platform's TestNG engine) over every
 * public publisher of uring-reactor and over the subscribers its write and send methods hand to a
 * caller's publisher.
 */
@NullMarked
package dev.uring.reactor.tck;

import org.jspecify.annotations.NullMarked;
