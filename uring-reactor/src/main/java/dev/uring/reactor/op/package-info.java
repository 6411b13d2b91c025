/**
 * Internal (not exported): the op framework every publisher of the module is built on. A
 * completion reaches a subscriber on its loop's thread in this order:
 * <ol>
 * <li>subscribe: {@link dev.uring.reactor.op.MonoUringOp} makes the op ({@link dev.uring.reactor.op.UringOperation},
 *     owning what the kernel may touch) and, on the first request, takes a pending-op slot
 *     ({@code user_data} = slot and generation) on the loop, directly or after a hop through the loop's queue;</li>
 * <li>the loop submits and waits in one io_uring_enter and dispatches each CQE to its slot (a stale generation is dropped);</li>
 * <li>{@code res < 0} is onError, else onNext/onComplete; the op's memory and fd reference are
 *     released only after its final CQE, also when the subscriber cancelled (ASYNC_CANCEL);</li>
 * <li>multishot ops ({@link dev.uring.reactor.op.MultishotEngine}: ticks, receives, accepts) stay
 *     armed while {@code IORING_CQE_F_MORE} is set, are armed only while there is demand and armed again
 *     when the kernel ends them.</li>
 * </ol>
 * The file and socket packages reach a runtime through {@link dev.uring.reactor.op.OpRuntime}
 * ({@link dev.uring.reactor.op.Runtimes#of}); this package imports nothing of the module's others.
 */
@NullMarked
package dev.uring.reactor.op;

import org.jspecify.annotations.NullMarked;
