/**
 * Spring WebFlux over io_uring: {@link org.springframework.core.io.buffer.DataBuffer} publishers
 * that read and write files ({@link dev.uring.reactor.spring.UringDataBuffers}), HTTP message
 * writers for file-system resources and resource regions, and the Spring Boot auto-configuration
 * that installs them. Spring is an optional dependency of uring-reactor: this package is usable
 * only when spring-core (and, for the writers, spring-web; for the auto-configuration, Spring
 * Boot) is on the class path.
 */
@NullMarked
package dev.uring.reactor.spring;

import org.jspecify.annotations.NullMarked;
