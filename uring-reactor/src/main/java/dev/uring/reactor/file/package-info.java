/**
 * Reactive files on io_uring: {@link dev.uring.reactor.file.ReactiveFile} (open, positional reads
 * and writes, whole-file reads paced by demand, fsync, truncate, close) and
 * {@link dev.uring.reactor.file.ReactiveFiles} (whole-file and path operations), with the ops
 * behind them. An open file registers with its runtime, which closes it when it closes.
 */
@NullMarked
package dev.uring.reactor.file;

import org.jspecify.annotations.NullMarked;
