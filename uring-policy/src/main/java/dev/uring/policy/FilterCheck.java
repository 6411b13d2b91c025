package dev.uring.policy;

import dev.uring.core.Sqe;
import org.jspecify.annotations.Nullable;

/** Runs one {@link ArgumentFilter} over an SQE in Java: what the cBPF program decides, plus the Java-only rules. */
final class FilterCheck {
    private FilterCheck() {
    }

    /** The reason {@code filter} refuses {@code sqe} (naming the op and the rule), or null. */
    static @Nullable String check(ArgumentFilter filter, Sqe sqe, OpArguments args) {
        if (!filter.ops().contains(args.op())) {
            return null;
        }
        String why = expressible(filter, args);
        if (why == null) {
            why = switch (filter) {
                case ArgumentFilter.Open o when o.root() != null -> PathConfinement.check(sqe, o.root());
                case ArgumentFilter.MaxLength m -> Integer.toUnsignedLong(sqe.len()) > m.max()
                        ? "length " + Integer.toUnsignedLong(sqe.len()) + " exceeds " + m.max() : null;
                default -> null;
            };
        }
        return why == null ? null : args.op() + " denied by rule '" + filter.describe() + "': " + why;
    }

    /** The part of {@code filter} that the kernel's cBPF context can express; null allows. */
    static @Nullable String expressible(ArgumentFilter filter, OpArguments args) {
        if (!filter.ops().contains(args.op())) {
            return null;
        }
        return switch (filter) {
            case ArgumentFilter.Socket s -> s.check(args);
            case ArgumentFilter.Connect c -> c.check(args);
            case ArgumentFilter.Open o -> o.check(args);
            case ArgumentFilter.MaxLength m -> null;
        };
    }
}
