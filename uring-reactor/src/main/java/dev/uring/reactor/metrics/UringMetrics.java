package dev.uring.reactor.metrics;

import dev.uring.core.Opcode;
import dev.uring.core.files.FixedFileTable;
import dev.uring.core.loop.EventLoop;
import dev.uring.core.loop.LoopStats;
import dev.uring.reactor.Uring;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;
import org.jspecify.annotations.Nullable;

/**
 * The Micrometer meters of one {@link Uring} runtime, read from its loops' {@link LoopStats}: the
 * loops count in plain fields on their own threads, and the meters ({@link FunctionCounter}s and
 * {@link Gauge}s) read those fields when the registry publishes, so an op costs no Micrometer call.
 * Binding starts counting on the loops ({@link Uring#events}, with the default thresholds unless
 * set before).
 *
 * <p>Every meter in this list has the tags {@code runtime} (the runtime's name, {@code uring-0}) and {@code loop}
 * (the loop's index); tag values are bounded (opcode and errno names from fixed lists, no per-file
 * or per-connection tags):
 * <ul>
 * <li>{@code reactive.uring.ops.submitted}, {@code reactive.uring.ops.completed} (counters, tag
 *     {@code op}: the opcode, one of {@link #OPS} or {@code OTHER}): SQEs handed to the kernel, ops
 *     whose final completion arrived;</li>
 * <li>{@code reactive.uring.ops.errors} (counter, tag {@code errno}: one of {@link #ERRNOS} or
 *     {@code OTHER}): completions that failed;</li>
 * <li>{@code reactive.uring.ops.in.flight} (gauge): ops the loop waits on;</li>
 * <li>{@code reactive.uring.ops.slow} (counter): ops slower than the slow-op threshold (each also a
 *     JFR {@code dev.uring.SlowOp} event);</li>
 * <li>{@code reactive.uring.submit.calls}, {@code reactive.uring.submit.sqes} (counters):
 *     submitting io_uring_enter calls and the SQEs they carried; their ratio is the submit batch size;</li>
 * <li>{@code reactive.uring.cq.overflows} (counter): reaps that found the CQ overflowed;</li>
 * <li>{@code reactive.uring.loop.busy.time}, {@code reactive.uring.loop.idle.time} (counters, seconds):
 *     time working and time asleep in io_uring_enter;</li>
 * <li>{@code reactive.uring.loop.tasks} (counter): tasks handed over from other threads;</li>
 * <li>{@code reactive.uring.loop.stalls} (counter): loop passes longer than the stall threshold
 *     (each also a JFR {@code dev.uring.LoopStall} event);</li>
 * <li>{@code reactive.uring.recv.buffers.exhausted} (counter): receives that found the loop's
 *     provided buffer ring empty (ENOBUFS; receiving pauses until a buffer comes back).</li>
 * </ul>
 * And once per runtime, {@code reactive.uring.files.slots} (gauges, tags {@code table}: the
 * runtime's name, and {@code state}: {@code used} or {@code free}): the slots of the runtime's
 * shared fixed-file table ({@link Uring#fixedFiles}). No {@code loop} tag, since the table is the
 * whole group's, and the tag keys of {@link #bindFileTable}, so both kinds of table share one set
 * of keys. They look the table up when the registry publishes, so a table set up after binding
 * is gauged too; while the runtime has none they read {@code NaN} (Micrometer's "no value"), not
 * a table without a free slot.
 *
 * <p>Policy refusals are uring-policy's own {@code dev.uring.policy.metrics.PolicyMetrics} (its
 * Spring Boot auto-configuration binds it).
 */
public final class UringMetrics implements MeterBinder {
    /** The meters' common name prefix. */
    public static final String PREFIX = "reactive.uring.";
    /** The opcodes counted one by one; the others are counted as {@code OTHER}. */
    public static final List<Opcode> OPS = List.of(Opcode.NOP, Opcode.READ, Opcode.WRITE, Opcode.READV,
            Opcode.WRITEV, Opcode.READ_FIXED, Opcode.WRITE_FIXED, Opcode.OPENAT, Opcode.CLOSE, Opcode.STATX,
            Opcode.FSYNC, Opcode.FTRUNCATE, Opcode.RENAMEAT, Opcode.UNLINKAT, Opcode.MKDIRAT, Opcode.SOCKET,
            Opcode.BIND, Opcode.LISTEN, Opcode.CONNECT, Opcode.ACCEPT, Opcode.RECV, Opcode.SEND, Opcode.SHUTDOWN,
            Opcode.TIMEOUT, Opcode.LINK_TIMEOUT, Opcode.ASYNC_CANCEL, Opcode.MSG_RING, Opcode.FILES_UPDATE);
    /** The errno values counted one by one (by name); the others are counted as {@code OTHER}. */
    public static final List<Integer> ERRNOS = List.of(1, 2, 4, 5, 9, 11, 12, 13, 17, 20, 21, 22, 24, 28, 32, 62,
            104, 105, 107, 110, 111, 125);
    private static final int ENOBUFS = 105;

    private final Uring uring;

    /** The meters of {@code uring}; nothing is registered until {@link #bindTo}. */
    public UringMetrics(Uring uring) {
        this.uring = Objects.requireNonNull(uring, "uring");
    }

    /**
     * Registers the runtime's meters in {@code registry}, its fixed-file table's slot gauges
     * included, and starts counting on its loops (policy refusals are counted by uring-policy's
     * PolicyMetrics).
     */
    @Override
    public void bindTo(MeterRegistry registry) {
        if (!uring.isCounting()) {
            uring.events(Uring.DEFAULT_SLOW_OP, Uring.DEFAULT_STALL);
        }
        for (EventLoop loop : uring.group()) {
            bindLoop(registry, loop.stats(), Tags.of("runtime", uring.name(), "loop", Integer.toString(loop.index())));
        }
        bindSlots(registry, uring, Uring::fixedFileTable, uring.name());
    }

    private static void bindLoop(MeterRegistry registry, LoopStats stats, Tags tags) {
        for (Opcode op : OPS) {
            Tags t = tags.and("op", op.name());
            counter(registry, "ops.submitted", "SQEs handed to the kernel", stats, s -> s.submitted(op), t);
            counter(registry, "ops.completed", "ops whose final completion arrived", stats, s -> s.completed(op), t);
        }
        List<Opcode> others = new ArrayList<>(List.of(Opcode.values()));
        others.removeAll(OPS);
        Tags other = tags.and("op", "OTHER");
        counter(registry, "ops.submitted", "SQEs handed to the kernel", stats,
                s -> others.stream().mapToLong(s::submitted).sum(), other);
        counter(registry, "ops.completed", "ops whose final completion arrived", stats,
                s -> others.stream().mapToLong(s::completed).sum(), other);
        for (int errno : ERRNOS) {
            counter(registry, "ops.errors", "completions that failed", stats, s -> s.errors(errno),
                    tags.and("errno", LoopStats.errnoName(errno)));
        }
        counter(registry, "ops.errors", "completions that failed", stats, UringMetrics::otherErrors,
                tags.and("errno", "OTHER"));
        Gauge.builder(PREFIX + "ops.in.flight", stats, LoopStats::inFlight).tags(tags)
                .description("ops the loop waits on").baseUnit("operations").register(registry);
        counter(registry, "ops.slow", "ops slower than the slow-op threshold", stats, LoopStats::slowOps, tags);
        counter(registry, "submit.calls", "io_uring_enter calls that submitted SQEs", stats, LoopStats::submitCalls, tags);
        counter(registry, "submit.sqes", "SQEs submitted", stats, LoopStats::submittedTotal, tags);
        counter(registry, "cq.overflows", "reaps that found the completion queue overflowed", stats,
                LoopStats::cqOverflowEvents, tags);
        FunctionCounter.builder(PREFIX + "loop.busy.time", stats, s -> s.busyNanos() / 1e9).tags(tags)
                .description("time the loop worked").baseUnit("seconds").register(registry);
        FunctionCounter.builder(PREFIX + "loop.idle.time", stats, s -> s.idleNanos() / 1e9).tags(tags)
                .description("time the loop slept in io_uring_enter").baseUnit("seconds").register(registry);
        counter(registry, "loop.tasks", "tasks handed over from other threads", stats, LoopStats::tasks, tags);
        counter(registry, "loop.stalls", "loop passes longer than the stall threshold", stats, LoopStats::stalls, tags);
        counter(registry, "recv.buffers.exhausted", "receives that found the provided buffer ring empty", stats,
                s -> s.errors(ENOBUFS), tags);
    }

    private static long otherErrors(LoopStats s) {
        long n = 0;
        for (int e = 1; e <= LoopStats.MAX_ERRNO; e++) {
            if (!ERRNOS.contains(e)) {
                n += s.errors(e);
            }
        }
        return n;
    }

    private static void counter(MeterRegistry registry, String name, String description, LoopStats stats,
            ToDoubleFunction<LoopStats> count, Tags tags) {
        FunctionCounter.builder(PREFIX + name, stats, count).tags(tags).description(description).register(registry);
    }

    /**
     * Registers {@code reactive.uring.files.slots} (gauges, tags {@code table} and {@code state}:
     * {@code used} or {@code free}) for a fixed-file table made apart from a runtime
     * ({@link FixedFileTable#create} on a group). A runtime's own table ({@link Uring#fixedFiles})
     * needs no call: {@link #bindTo} gauges it, with the runtime's name as {@code table}.
     *
     * @param name the {@code table} tag's value; keep it one of a few fixed names, other than the
     *     runtimes' names
     */
    public static void bindFileTable(MeterRegistry registry, FixedFileTable table, String name) {
        bindSlots(registry, table, t -> t, name);
    }

    /** The two slot gauges of the table {@code table} finds in {@code owner} when the registry publishes. */
    private static <T> void bindSlots(MeterRegistry registry, T owner, Function<T, @Nullable FixedFileTable> table,
            String name) {
        Tags tags = Tags.of("table", name);
        Gauge.builder(PREFIX + "files.slots", owner, o -> used(table.apply(o))).tags(tags.and("state", "used"))
                .description("fixed-file table slots").register(registry);
        Gauge.builder(PREFIX + "files.slots", owner, o -> free(table.apply(o))).tags(tags.and("state", "free"))
                .description("fixed-file table slots").register(registry);
    }

    private static double used(@Nullable FixedFileTable t) {
        return t == null ? Double.NaN : t.slotsInUse();
    }

    private static double free(@Nullable FixedFileTable t) {
        return t == null ? Double.NaN : t.groupSlots() - t.slotsInUse();
    }
}
