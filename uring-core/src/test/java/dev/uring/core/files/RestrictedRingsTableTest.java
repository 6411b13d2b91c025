package dev.uring.core.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.uring.core.Opcode;
import dev.uring.core.OpenFlags;
import dev.uring.core.RegisterOp;
import dev.uring.core.Restriction;
import dev.uring.core.RingOptions;
import dev.uring.core.SqeFlags;
import dev.uring.core.loop.EventLoop;
import dev.uring.core.loop.EventLoopGroup;
import java.nio.file.AccessDeniedException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rings with kernel restrictions (R_DISABLED, RESTRICTIONS, ENABLE_RINGS): the table needs the
 * register ops FILES2 and FILE_ALLOC_RANGE at creation only; afterwards it uses SQE ops.
 */
@Timeout(60)
class RestrictedRingsTableTest {
    @TempDir
    Path dir;

    private static RingOptions restricted(boolean allowTableRegistration) {
        List<Restriction> rs = new ArrayList<>();
        // what the loop itself needs (wake-up read, cancel at close) and what the table uses after setup
        for (Opcode op : List.of(Opcode.READ, Opcode.ASYNC_CANCEL, Opcode.OPENAT, Opcode.CLOSE, Opcode.MSG_RING)) {
            rs.add(Restriction.sqeOp(op));
        }
        rs.add(Restriction.sqeFlagsAllowed(SqeFlags.FIXED_FILE));
        if (allowTableRegistration) {
            rs.add(Restriction.registerOp(RegisterOp.FILES2));
            rs.add(Restriction.registerOp(RegisterOp.FILE_ALLOC_RANGE));
            rs.add(Restriction.registerOp(RegisterOp.UNREGISTER_FILES));
        }
        return EventLoop.defaultOptions(64).customizer(ring -> ring.registerRestrictions(rs));
    }

    @Test
    void tableWorksOnRestrictedRingsThatAllowItsRegistrationAndOps() throws Exception {
        Path p = LoopOps.fileWith(dir, "r", "restricted");
        try (EventLoopGroup group = EventLoopGroup.create(2, restricted(true), EventLoopGroup.daemonThreads("rr"));
             FixedFileTable t = FixedFileTable.create(group, 4, 0).get(10, TimeUnit.SECONDS)) {
            FixedFile f = t.open(group.get(0), p, OpenFlags.O_RDONLY, 0).get(10, TimeUnit.SECONDS);
            assertThat(LoopOps.readText(group.get(1), f.slot(group.get(1)), 32)).isEqualTo("restricted");
            f.release();
            assertThat(LoopOps.eventually(() -> t.slotsInUse() == 0)).isTrue();
        }
    }

    @Test
    void restrictedRingsThatRefuseTheRegistrationFailCreationCleanly() throws Exception {
        try (EventLoopGroup group = EventLoopGroup.create(2, restricted(false), EventLoopGroup.daemonThreads("rr"))) {
            CompletableFuture<FixedFileTable> f = FixedFileTable.create(group, 4, 0);
            assertThatThrownBy(() -> f.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOf(AccessDeniedException.class).hasMessageContaining("FILES2");
            // the loops were handed back: asking again fails the same way, not with "another table"
            assertThatThrownBy(() -> FixedFileTable.create(group, 4, 0).get(10, TimeUnit.SECONDS))
                    .cause().isInstanceOf(AccessDeniedException.class);
        }
    }
}
