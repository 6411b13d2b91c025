/**
 * Internal (not exported): the op framework every publisher of the module is built on. A
 * completion reaches a subscriber on its loop's thread in this order:
 * <ol>
 * <li>subscribe: {@link dev.uring.reactor.op.MonoUringOp} makes the op ({@link dev.uring.reactor.op.UringOperation},
 *     naming its {@link dev.uring.core.Opcode}, owning what the kernel may touch) and, on the first request,
 *     takes a pending-op slot ({@code user_data} = slot and generation) on the loop, directly or after a hop
 *     through the loop's queue; the kernel's memory (buffers, paths, timespecs) comes from the loop's
 *     {@link dev.uring.reactor.op.LoopMemory}, not from an Arena per op; a timed op is linked to a
 *     LINK_TIMEOUT whose CQE goes to no completion;</li>
 * <li>the loop submits and waits in one io_uring_enter and dispatches each CQE to its slot (a stale generation is dropped);</li>
 * <li>{@code res < 0} is onError (a refusal, -EACCES, explained by the ring at that very CQE; an
 *     -ECANCELED nobody but the timeout caused, a TimeoutException), else onNext/onComplete; the op's
 *     memory goes back to the pool and its fd reference is let go only after its final CQE, also when
 *     the subscriber cancelled (ASYNC_CANCEL);</li>
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
